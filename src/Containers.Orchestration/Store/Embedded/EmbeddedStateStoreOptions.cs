namespace Containers.Orchestration.Store.Embedded;

/// <summary>Settings of the embedded store.</summary>
public sealed class EmbeddedStateStoreOptions
{
    /// <summary>Where the write-ahead log and snapshot live; null keeps everything in memory only.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// How many recent writes are kept for watches that start in the past and reads at an earlier
    /// revision; older ones are compacted (Gone). Kubernetes' default etcd compaction keeps about five minutes.
    /// </summary>
    public int HistoryLimit { get; set; } = 10_000;

    /// <summary>Events a watcher may fall behind by before it is dropped with Gone (it relists); writers never wait for watchers.</summary>
    public int WatchBufferSize { get; set; } = 1_000;

    /// <summary>With a data directory: fsync each commit batch before acknowledging it. Off only for tests and benchmarks.</summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>With a data directory: write a snapshot and empty the log after this many log records.</summary>
    public int SnapshotAfterRecords { get; set; } = 10_000;

    /// <summary>
    /// With a data directory: writes applied but not yet durable at once. It bounds what a crash can
    /// lose, and the store resumes that far above its last durable revision, so no client can hold a
    /// resourceVersion the store would hand out again.
    /// </summary>
    public int MaxPendingWrites { get; set; } = 4_096;
}
