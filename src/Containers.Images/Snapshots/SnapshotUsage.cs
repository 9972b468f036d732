namespace Containers.Images.Snapshots;

/// <summary>What a snapshot's own tree holds: apparent bytes (st_size, not allocated blocks), and inodes (hard links counted once).</summary>
public readonly record struct SnapshotUsage(long Size, long Inodes);
