using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Layers.Diff;
using Containers.Mounts;

namespace Containers.Images.Snapshots;

/// <summary>
/// The layer that an active snapshot's changes make, read from the snapshot's mounts as containerd's
/// differs read them. An overlay mount gives its upper directory, which holds exactly the changes
/// (the fast path, <see cref="LayerDiff.DiffOverlayAsync"/>). Any other mount is a whole tree, diffed
/// against a read-only view of the snapshot's parent (<see cref="LayerDiff.DiffAsync"/>), or against
/// nothing when it has no parent.
/// </summary>
public static class SnapshotDiff
{
    /// <summary>Writes the changes of active snapshot <paramref name="key"/> into <paramref name="writer"/> and completes it.</summary>
    /// <param name="scratch">An empty directory, on any filesystem, for the parent's view or an empty tree while the diff runs; it is left empty.</param>
    /// <exception cref="NotFoundException">No snapshot is named <paramref name="key"/>.</exception>
    /// <exception cref="FailedPreconditionException">The snapshot is committed, not active.</exception>
    public static async ValueTask<WrittenLayer> WriteAsync(ISnapshotter snapshotter, string key, LayerWriter writer, string scratch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshotter);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentException.ThrowIfNullOrEmpty(scratch);
        var mounts = await snapshotter.MountsAsync(key, cancellationToken).ConfigureAwait(false);
        if (mounts is [{ Type: "overlay" } overlay] && Option(overlay, "upperdir") is { } upper && Option(overlay, "lowerdir") is { } lowers)
        {
            return await LayerDiff.DiffOverlayAsync(Resolve(overlay, upper), [.. lowers.Split(':').Select(l => Resolve(overlay, l))], writer, cancellationToken).ConfigureAwait(false);
        }

        if (mounts is not [{ Type: "bind" } tree])
        {
            throw new InvalidArgumentException(
                $"snapshot \"{key}\" of the {snapshotter.Name} snapshotter is mounted as [{string.Join(", ", mounts.Select(m => m.Type))}]; only an overlay mount or a single bind can be diffed");
        }

        var info = await snapshotter.StatAsync(key, cancellationToken).ConfigureAwait(false);
        if (info.Parent is null)
        {
            return await LayerDiff.DiffAsync(Directory.CreateDirectory(scratch).FullName, tree.Source, writer, cancellationToken).ConfigureAwait(false);
        }

        // The parent is committed and never changes: a view of it is the tree the changes were made on.
        var viewKey = $"diff-{Guid.NewGuid():N}";
        var view = await snapshotter.ViewAsync(viewKey, info.Parent, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            if (view is [{ Type: "bind" } parent])
            {
                return await LayerDiff.DiffAsync(parent.Source, tree.Source, writer, cancellationToken).ConfigureAwait(false);
            }

            Directory.CreateDirectory(scratch);
            SnapshotMounter.MountAll(view, scratch);
            try
            {
                return await LayerDiff.DiffAsync(scratch, tree.Source, writer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                SnapshotMounter.UnmountAll(scratch);
            }
        }
        finally
        {
            await snapshotter.RemoveAsync(viewKey, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string? Option(Mount mount, string name) =>
        mount.Options.FirstOrDefault(o => o.StartsWith(name + "=", StringComparison.Ordinal)) is { } option ? option[(name.Length + 1)..] : null;

    /// <summary>A path of a mount's options; a relative one is relative to the mount's working directory (overlay's short lower links).</summary>
    private static string Resolve(Mount mount, string path) =>
        Path.IsPathRooted(path) || mount.WorkingDirectory is null ? path : Path.Combine(mount.WorkingDirectory, path);
}
