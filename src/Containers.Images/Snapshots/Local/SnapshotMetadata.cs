namespace Containers.Images.Snapshots.Local;

/// <summary>The whole state of a local snapshotter: every snapshot by key, and the next directory id.</summary>
internal sealed class SnapshotMetadata
{
    public long NextId { get; set; } = 1;

    public Dictionary<string, SnapshotRecord> Snapshots { get; set; } = new(StringComparer.Ordinal);
}
