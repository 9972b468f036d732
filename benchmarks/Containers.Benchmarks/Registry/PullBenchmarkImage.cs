using System.Formats.Tar;
using System.IO.Compression;
using Containers.Benchmarks.Layers;
using Containers.Images;
using Containers.Images.Content;
using Containers.Images.Layout;
using Containers.Images.Registry;
using Containers.Testing;

namespace Containers.Benchmarks.Registry;

/// <summary>
/// The pull suites' image: about 500 MB, 5 gzip layers, each a tar of one 100 MiB file of random
/// bytes (incompressible), made once into an OCI layout under the temporary directory and pushed
/// into a registry storage beside it; later runs reuse both. Delete
/// <c>$TMPDIR/containers-bench-registry-pull-v1</c> to make them again.
/// </summary>
internal static class PullBenchmarkImage
{
    public const int LayerCount = 5;
    public const string Tag = "v1";
    private const int LayerBytes = 100 * 1024 * 1024;

    private static readonly string CacheRoot = Path.Combine(Path.GetTempPath(), "containers-bench-registry-pull-v1");

    /// <summary>Starts the reference registry on 127.0.0.1 over the cached storage, pushing the image first if it is not there.</summary>
    public static async Task<(RegistryServer Server, ImageReference Reference)> StartRegistryAsync()
    {
        var layoutPath = Path.Combine(CacheRoot, "layout");
        if (!File.Exists(Path.Combine(layoutPath, "index.json")))
        {
            await BuildLayoutAsync(layoutPath);
        }

        var storage = Path.Combine(CacheRoot, "storage");
        Directory.CreateDirectory(storage);
        var server = await RegistryServer.StartAsync(storage: storage);
        var reference = ImageReference.Parse($"{server.Authority}/bench/pull:{Tag}");
        var layout = await OciLayout.OpenAsync(layoutPath);
        var manifest = await layout.ResolveAsync(Tag);
        using var client = new RegistryClient(new RegistryOptions());
        try
        {
            await client.GetManifestAsync(reference);
        }
        catch (RegistryException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await client.PushAsync(layout.Blobs, manifest, reference);
        }

        return (server, reference);
    }

    /// <summary>Writes the image: each layer a tar of one file of random bytes, gzipped at the fastest level (random bytes do not shrink).</summary>
    private static async Task BuildLayoutAsync(string layoutPath)
    {
        var scratch = Path.Combine(CacheRoot, "scratch");
        Directory.CreateDirectory(scratch);
        var layout = await OciLayout.OpenOrCreateAsync(layoutPath);
        var layers = new List<Descriptor>();
        var diffIds = new List<Digest>();
        var data = new byte[LayerBytes];
        for (var i = 0; i < LayerCount; i++)
        {
            new DeterministicRandom(20261126, (ulong)i).NextBytes(data);
            var tar = Path.Combine(scratch, "layer.tar");
            await using (var file = File.Create(tar))
            await using (var writer = new TarWriter(file, TarEntryFormat.Pax))
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, $"data-{i}.bin") { DataStream = new MemoryStream(data, writable: false) });
            }

            var gzip = Path.Combine(scratch, "layer.tar.gz");
            await using (var source = File.OpenRead(tar))
            await using (var target = File.Create(gzip))
            await using (var compress = new GZipStream(target, CompressionLevel.Fastest))
            {
                await source.CopyToAsync(compress);
            }

            await using (var source = File.OpenRead(tar))
            {
                diffIds.Add(await Digest.ComputeAsync(source));
            }

            await using (var source = File.OpenRead(gzip))
            {
                var digest = await layout.Blobs.WriteBlobAsync(source);
                layers.Add(new Descriptor { MediaType = MediaType.OciLayerGzip, Digest = digest, Size = new FileInfo(gzip).Length });
            }
        }

        var config = OciDocuments.Serialize(new ImageConfiguration
        {
            Architecture = Platform.Current.Architecture,
            OS = "linux",
            RootFs = new RootFs { DiffIds = diffIds },
        });
        var configDescriptor = await layout.Blobs.WriteBlobAsync(MediaType.OciConfig, config);
        var manifest = OciDocuments.Serialize(new ImageManifest { MediaType = MediaType.OciManifest, Config = configDescriptor, Layers = layers });
        var manifestDescriptor = await layout.Blobs.WriteBlobAsync(MediaType.OciManifest, manifest);
        await layout.AddToIndexAsync(manifestDescriptor, Tag);
        Directory.Delete(scratch, recursive: true);
    }
}
