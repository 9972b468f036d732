namespace Containers.Images.Snapshots;

/// <summary>
/// A snapshotter whose snapshots each keep all of their files in one directory of this host. That
/// directory may be deleted behind the snapshotter's back (a container's shim does so for an owner
/// that died): the snapshot's record then stays until <see cref="ISnapshotter.RemoveAsync"/>,
/// which removes it as it removes any other.
/// </summary>
public interface ISnapshotDirectory
{
    /// <summary>The directory that holds every file of snapshot <paramref name="key"/>.</summary>
    /// <exception cref="Errors.NotFoundException">No snapshot is named <paramref name="key"/>.</exception>
    ValueTask<string> DirectoryOfAsync(string key, CancellationToken cancellationToken = default);
}
