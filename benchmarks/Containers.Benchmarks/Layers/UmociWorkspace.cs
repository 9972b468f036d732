namespace Containers.Benchmarks.Layers;

/// <summary>
/// An OCI layout and a bundle unpacked from it by umoci, as <c>umoci repack</c> needs them, with a
/// pristine copy of the small state that a repack changes: the layout's <c>index.json</c> and blob
/// list, and the bundle's <c>umoci.json</c>, <c>config.json</c> and mtree manifest. Restoring that
/// state (not timed) lets every iteration repack the same change against the same manifest.
/// </summary>
internal sealed class UmociWorkspace
{
    private const string PristineDirectory = "pristine";

    private readonly string _directory;

    public UmociWorkspace(string directory)
    {
        _directory = directory;
    }

    public string Layout => Path.Combine(_directory, "layout");

    public string Bundle => Path.Combine(_directory, "bundle");

    public string Rootfs => Path.Combine(Bundle, "rootfs");

    private string Pristine => Path.Combine(_directory, PristineDirectory);

    /// <summary>
    /// Builds a workspace in <paramref name="directory"/>: a layout that is a copy of
    /// <paramref name="sourceLayout"/> (blobs hard-linked), or a new layout with an empty image
    /// when it is null; the image <paramref name="tag"/> unpacked into the bundle; then
    /// <paramref name="prepare"/> run on the rootfs, and the state saved as pristine.
    /// </summary>
    public static UmociWorkspace Create(string directory, string? sourceLayout, string tag, Action<string> prepare)
    {
        var workspace = new UmociWorkspace(directory);
        Directory.CreateDirectory(directory);
        if (sourceLayout is null)
        {
            Tool.Run(Tool.Umoci, "init", "--layout", workspace.Layout);
            Tool.Run(Tool.Umoci, "new", "--image", $"{workspace.Layout}:{tag}");
        }
        else
        {
            Tool.Run("cp", "-al", sourceLayout, workspace.Layout);
            foreach (var name in new[] { "index.json", "oci-layout" })
            {
                var path = Path.Combine(workspace.Layout, name);
                var content = File.ReadAllBytes(path);
                File.Delete(path);
                File.WriteAllBytes(path, content);
            }
        }

        Tool.Run(Tool.Umoci, "unpack", "--image", $"{workspace.Layout}:{tag}", workspace.Bundle);
        prepare(workspace.Rootfs);
        workspace.Save();
        return workspace;
    }

    /// <summary><c>umoci repack --refresh-bundle</c> into <paramref name="tag"/>: the contestant.</summary>
    public void Repack(string tag) => Tool.Run(Tool.Umoci, "repack", "--refresh-bundle", "--image", $"{Layout}:{tag}", Bundle);

    /// <summary>Puts back the layout's index and blobs and the bundle's metadata as they were when the workspace was built.</summary>
    public void Restore()
    {
        File.Copy(Path.Combine(Pristine, "index.json"), Path.Combine(Layout, "index.json"), overwrite: true);
        var blobs = File.ReadAllLines(Path.Combine(Pristine, "blobs")).ToHashSet(StringComparer.Ordinal);
        foreach (var blob in ListBlobs())
        {
            if (!blobs.Contains(blob))
            {
                File.Delete(Path.Combine(Layout, blob));
            }
        }

        foreach (var file in Directory.EnumerateFiles(Bundle))
        {
            File.Delete(file);
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(Pristine, "bundle")))
        {
            File.Copy(file, Path.Combine(Bundle, Path.GetFileName(file)));
        }
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.Combine(Pristine, "bundle"));
        File.Copy(Path.Combine(Layout, "index.json"), Path.Combine(Pristine, "index.json"));
        File.WriteAllLines(Path.Combine(Pristine, "blobs"), ListBlobs());
        foreach (var file in Directory.EnumerateFiles(Bundle))
        {
            File.Copy(file, Path.Combine(Pristine, "bundle", Path.GetFileName(file)));
        }
    }

    private IEnumerable<string> ListBlobs() =>
        Directory.EnumerateFiles(Path.Combine(Layout, "blobs"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Layout, f)).Order(StringComparer.Ordinal);
}
