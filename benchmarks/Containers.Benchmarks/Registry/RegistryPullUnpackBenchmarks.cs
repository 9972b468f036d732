using BenchmarkDotNet.Attributes;
using Containers.Images;
using Containers.Images.Content.Local;
using Containers.Images.Registry;
using Containers.Images.Snapshots;

namespace Containers.Benchmarks.Registry;

/// <summary>
/// Pull and unpack the ~500 MB image (<see cref="PullBenchmarkImage"/>) into a fresh content
/// store and overlay snapshots, as <c>containers pull</c> followed by a first run needs: one after
/// the other, or unpacking each layer while the later ones still download
/// (<see cref="PullOptions.UnpackInto"/>). Over loopback, and over a simulated 1 Gbit/s link.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RegistryPullUnpackBenchmarks : PullBenchmark
{
    private RegistryClient client = null!;

    /// <summary>Loopback as it is, or a 1 Gbit/s link (125 MB/s shared by the downloads).</summary>
    [Params("loopback", "1 Gbit/s")]
    public string Link { get; set; } = "loopback";

    protected override void SetUpClients()
    {
        var options = new RegistryOptions();
        client = Link == "loopback"
            ? new RegistryClient(options)
            : new RegistryClient(new ThrottlingHandler(125_000_000) { InnerHandler = RegistryClient.CreateHandler(options) }, options);
    }

    protected override void DisposeClients() => client.Dispose();

    [Benchmark(Baseline = true, Description = "pull, then unpack")]
    public async Task<int> PullThenUnpack()
    {
        var pulled = await client.PullAsync(new LocalContentStore(Path.Combine(Destination, "content")), Reference);
        return (await new LayerUnpacker().UnpackAsync(pulled.Image, Snapshotter())).LayersApplied;
    }

    [Benchmark(Description = "pull with UnpackInto")]
    public async Task<int?> PullUnpackingAsItGoes() =>
        (await client.PullAsync(new LocalContentStore(Path.Combine(Destination, "content")), Reference, new PullOptions { UnpackInto = Snapshotter() })).LayersUnpacked;

    /// <summary>The snapshotter a run would use (overlay here), in this iteration's fresh destination.</summary>
    private ISnapshotter Snapshotter() => SnapshotterSelector.Select(new SnapshotterOptions { Root = Path.Combine(Destination, "snapshots") });
}
