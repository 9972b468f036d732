using BenchmarkDotNet.Attributes;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;

namespace Containers.Benchmarks.Orchestration;

/// <summary>
/// The embedded store's writes and watch fan-out (<see cref="StoreWorkload"/>), in memory and with
/// the write-ahead log (fsync per commit batch, as in production).
/// </summary>
/// <remarks>
/// Each write is measured end to end: the copy that isolates the caller's object, the lock, the log
/// append, handing the change to the watchers of its namespace and, with the log, waiting for the fsync.
/// </remarks>
[MemoryDiagnoser]
public class StoreBenchmarks : StoreWorkload
{
    private string? _directory;

    [Params("memory", "wal")]
    public string Store { get; set; } = "memory";

    protected override async Task<IStateStore> OpenStoreAsync()
    {
        _directory = Store == "wal" ? Directory.CreateTempSubdirectory("store-bench-").FullName : null;
        return await EmbeddedStateStore.OpenAsync(new EmbeddedStateStoreOptions { DataDirectory = _directory, WatchBufferSize = 100_000 });
    }

    protected override Task CloseStoreAsync()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
