namespace Containers.Images.Snapshots;

/// <summary>What a snapshotter knows of one snapshot.</summary>
public sealed record SnapshotInfo(
    SnapshotKind Kind,
    string Name,
    string? Parent,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Labels);
