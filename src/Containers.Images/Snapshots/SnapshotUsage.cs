namespace Containers.Images.Snapshots;

/// <summary>The disk a snapshot's own tree takes: allocated bytes, and inodes (hard links counted once).</summary>
public readonly record struct SnapshotUsage(long Size, long Inodes);
