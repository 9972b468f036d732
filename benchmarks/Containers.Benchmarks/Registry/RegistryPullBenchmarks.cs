using System.Formats.Tar;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Containers.Benchmarks.Layers;
using Containers.Images;
using Containers.Images.Content;
using Containers.Images.Content.Local;
using Containers.Images.Layout;
using Containers.Images.Registry;
using Containers.Testing;

namespace Containers.Benchmarks.Registry;

/// <summary>
/// Pulling a ~500 MB image (5 gzip layers of 100 MiB of random bytes, incompressible) from the
/// reference registry on 127.0.0.1, side by side: <c>skopeo copy docker://… oci:&lt;fresh dir&gt;</c>
/// against <see cref="RegistryClient.PullAsync(IContentStore, ImageReference, PullOptions?, CancellationToken)"/>
/// into a fresh content store (blobs verified and fsynced as they land). Both write to the same
/// filesystem, and each iteration starts from an empty destination.
/// </summary>
/// <remarks>
/// The image is made once into an OCI layout under the temporary directory and pushed into a
/// registry storage beside it; later runs (each case is its own process) reuse both, so setup
/// costs a registry start. Delete <c>$TMPDIR/containers-bench-registry-pull-v1</c> to make it again.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class RegistryPullBenchmarks
{
    private const string Skopeo = "/usr/bin/skopeo";
    private const int LayerCount = 5;
    private const int LayerBytes = 100 * 1024 * 1024;
    private const string Tag = "v1";

    private static readonly string CacheRoot = Path.Combine(Path.GetTempPath(), "containers-bench-registry-pull-v1");

    private RegistryServer server = null!;
    private RegistryClient client = null!;
    private RegistryClient wideClient = null!;
    private ImageReference reference = null!;
    private string work = null!;
    private string destination = null!;
    private int iteration;

    [GlobalSetup]
    public async Task Setup()
    {
        Tool.Require(Skopeo, "skopeo");
        var layoutPath = Path.Combine(CacheRoot, "layout");
        if (!File.Exists(Path.Combine(layoutPath, "index.json")))
        {
            await BuildLayoutAsync(layoutPath);
        }

        var storage = Path.Combine(CacheRoot, "storage");
        Directory.CreateDirectory(storage);
        server = await RegistryServer.StartAsync(storage: storage);
        client = new RegistryClient(new RegistryOptions());
        wideClient = new RegistryClient(new RegistryOptions { MaxParallelDownloads = LayerCount + 1 });
        reference = ImageReference.Parse($"{server.Authority}/bench/pull:{Tag}");
        var layout = await OciLayout.OpenAsync(layoutPath);
        var manifest = await layout.ResolveAsync(Tag);
        try
        {
            await client.GetManifestAsync(reference);
        }
        catch (RegistryException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await client.PushAsync(layout.Blobs, manifest, reference);
        }

        work = Directory.CreateTempSubdirectory("bench-registry-pull-").FullName;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        client.Dispose();
        wideClient.Dispose();
        await server.DisposeAsync();
        Directory.Delete(work, recursive: true);
    }

    [IterationSetup]
    public void FreshDestination() => destination = Path.Combine(work, $"destination-{iteration++}");

    [IterationCleanup]
    public void RemoveDestination()
    {
        if (Directory.Exists(destination))
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "skopeo copy docker:// oci:")]
    public string SkopeoCopy() =>
        Tool.Run(Skopeo, "copy", "--quiet", "--src-tls-verify=false", $"docker://{reference}", $"oci:{destination}:{Tag}");

    [Benchmark(Description = "RegistryClient.PullAsync (3 parallel, the default)")]
    public async Task<long> Pull() => (await client.PullAsync(new LocalContentStore(destination), reference)).BytesDownloaded;

    [Benchmark(Description = "RegistryClient.PullAsync (every layer at once)")]
    public async Task<long> PullWide() => (await wideClient.PullAsync(new LocalContentStore(destination), reference)).BytesDownloaded;

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
