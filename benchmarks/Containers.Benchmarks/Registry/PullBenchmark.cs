using BenchmarkDotNet.Attributes;
using Containers.Images;
using Containers.Testing;

namespace Containers.Benchmarks.Registry;

/// <summary>
/// What the pull suites share: the registry serving <see cref="PullBenchmarkImage"/>, and a fresh,
/// empty destination for every iteration, removed after it.
/// </summary>
public abstract class PullBenchmark
{
    private RegistryServer server = null!;
    private string work = null!;
    private int iteration;

    protected ImageReference Reference { get; private set; } = null!;

    /// <summary>This iteration's destination: a path that does not exist yet.</summary>
    protected string Destination { get; private set; } = null!;

    [GlobalSetup]
    public async Task StartRegistry()
    {
        (server, Reference) = await PullBenchmarkImage.StartRegistryAsync();
        work = Directory.CreateTempSubdirectory("bench-registry-pull-").FullName;
        SetUpClients();
    }

    [GlobalCleanup]
    public async Task StopRegistry()
    {
        DisposeClients();
        await server.DisposeAsync();
        Directory.Delete(work, recursive: true);
    }

    [IterationSetup]
    public void FreshDestination() => Destination = Path.Combine(work, $"destination-{iteration++}");

    [IterationCleanup]
    public void RemoveDestination()
    {
        if (Directory.Exists(Destination))
        {
            Directory.Delete(Destination, recursive: true);
        }
    }

    protected abstract void SetUpClients();

    protected abstract void DisposeClients();
}
