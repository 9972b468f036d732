namespace Containers.Runtime;

/// <summary>
/// What goes with a container whose owner dies (<see cref="ContainerCreateRequest.DieWithOwner"/>),
/// besides the container, its cgroup and its runtime state: the owner's own pieces, such as the
/// rootfs it mounted and the directories it kept. The shim removes them once the container is
/// dead, and only when the owner died; on a normal delete the owner removes them itself.
/// </summary>
public sealed record OwnerDeathCleanup
{
    /// <summary>
    /// Mount points in the owner's mount namespace to detach (<c>MNT_DETACH</c>), with every mount
    /// stacked on each, deepest first whatever the order given. Absolute paths.
    /// </summary>
    public IReadOnlyList<string> Unmount { get; init; } = [];

    /// <summary>
    /// Directories to remove with everything in them, after the unmounts. No symlink is followed
    /// and no mount point crossed: what sits under a mount point stays, and so do the directories
    /// above it. Absolute paths.
    /// </summary>
    public IReadOnlyList<string> Remove { get; init; } = [];
}
