namespace Containers.Images.Snapshots;

/// <summary>Settings of the local snapshotters.</summary>
public sealed class SnapshotterOptions
{
    /// <summary>The directory that holds <c>metadata.json</c> and <c>snapshots/</c>. Defaults to <c>snapshots/&lt;name&gt;</c> under the platform's root.</summary>
    public string? Root { get; set; }

    /// <summary>Force a snapshotter by name (<c>overlay</c> or <c>native</c>); by default overlay is used where the kernel mounts it.</summary>
    public string? Snapshotter { get; set; }
}
