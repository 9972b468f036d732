using BenchmarkDotNet.Attributes;
using Containers.Benchmarks.Layers;
using Containers.Images;
using Containers.Images.Content;
using Containers.Images.Content.Local;
using Containers.Images.Registry;

namespace Containers.Benchmarks.Registry;

/// <summary>
/// Pulling a ~500 MB image (5 gzip layers of 100 MiB of random bytes, incompressible) from the
/// reference registry on 127.0.0.1, side by side: <c>skopeo copy docker://… oci:&lt;fresh dir&gt;</c>
/// against <see cref="RegistryClient.PullAsync(IContentStore, ImageReference, PullOptions?, CancellationToken)"/>
/// into a fresh content store (blobs verified and fsynced as they land). Both write to the same
/// filesystem, and each iteration starts from an empty destination.
/// </summary>
/// <remarks>The image and its registry storage are made once (<see cref="PullBenchmarkImage"/>); later runs reuse both, so setup costs a registry start.</remarks>
[MemoryDiagnoser]
[MedianColumn]
public class RegistryPullBenchmarks : PullBenchmark
{
    private const string Skopeo = "/usr/bin/skopeo";

    private RegistryClient client = null!;
    private RegistryClient wideClient = null!;

    protected override void SetUpClients()
    {
        Tool.Require(Skopeo, "skopeo");
        client = new RegistryClient(new RegistryOptions());
        wideClient = new RegistryClient(new RegistryOptions { MaxParallelDownloads = PullBenchmarkImage.LayerCount + 1 });
    }

    protected override void DisposeClients()
    {
        client.Dispose();
        wideClient.Dispose();
    }

    [Benchmark(Baseline = true, Description = "skopeo copy docker:// oci:")]
    public string SkopeoCopy() =>
        Tool.Run(Skopeo, "copy", "--quiet", "--src-tls-verify=false", $"docker://{Reference}", $"oci:{Destination}:{PullBenchmarkImage.Tag}");

    [Benchmark(Description = "RegistryClient.PullAsync (3 parallel, the default)")]
    public async Task<long> Pull() => (await client.PullAsync(new LocalContentStore(Destination), Reference)).BytesDownloaded;

    [Benchmark(Description = "RegistryClient.PullAsync (every layer at once)")]
    public async Task<long> PullWide() => (await wideClient.PullAsync(new LocalContentStore(Destination), Reference)).BytesDownloaded;
}
