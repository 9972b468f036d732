namespace Containers.Images.Tests;

/// <summary>The real manifests, indexes and configs in <c>TestData/manifests</c>, read byte for byte.</summary>
internal static class TestManifests
{
    public const string DockerManifestList = "busybox-1.27.2.docker-manifest-list.json";
    public const string DockerManifest = "hello-world-linux-amd64.docker-manifest-v2.json";
    public const string DockerManifestCompact = "alpine-linux-amd64.docker-manifest-v2.compact.json";
    public const string DockerConfig = "busybox-2016-10-linux-amd64.docker-image-config.json";
    public const string GlibcLayoutIndex = "busybox-1.37.0-glibc-arm64v8.oci-layout-index.json";
    public const string GlibcManifest = "busybox-1.37.0-glibc-arm64v8.oci-image-manifest.json";
    public const string GlibcConfig = "busybox-1.37.0-glibc-arm64v8.oci-image-config.json";
    public const string MuslManifest = "busybox-1.37.0-musl-amd64.oci-image-manifest.json";
    public const string MuslConfig = "busybox-1.37.0-musl-amd64.oci-image-config.json";
    public const string RegclientIndex = "regclient-testrepo-v1.oci-image-index.json";
    public const string NoMediaTypeManifest = "ggcr-test-index-one-image.oci-image-manifest.no-mediatype.json";

    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "manifests");

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    /// <summary>File name and sha256 of every row of the README's table of files.</summary>
    public static IReadOnlyDictionary<string, string> ReadmeDigests()
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(Folder, "README.md")))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('|');
            digests.Add(cells[1].Trim().Trim('`'), cells[5].Trim().Trim('`'));
        }

        return digests;
    }
}
