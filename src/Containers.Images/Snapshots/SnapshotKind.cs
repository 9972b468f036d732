namespace Containers.Images.Snapshots;

/// <summary>What a snapshot is for.</summary>
public enum SnapshotKind
{
    /// <summary>Writable, made by prepare, turned into a committed one by commit.</summary>
    Active,

    /// <summary>Read-only, made by view; never committed.</summary>
    View,

    /// <summary>Immutable; the parent of active snapshots and views.</summary>
    Committed,
}
