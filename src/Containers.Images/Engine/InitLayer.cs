using Containers.Errors;
using Containers.Images.Snapshots;

namespace Containers.Images.Engine;

/// <summary>
/// Docker's init layer: a committed snapshot between an image's layers and each container's
/// writable one, holding the files the engine bind-mounts over (<c>/etc/hosts</c>,
/// <c>/etc/hostname</c>, <c>/etc/resolv.conf</c>) where the image lacks them. A mount needs its
/// target to exist; made in the container's own layer, the empty targets would show up in its
/// commit and diff. It is made once per image (per ChainID) and shared; the snapshot collector
/// removes it with the last container that stands on it.
/// </summary>
internal static class InitLayer
{
    /// <summary>The mount targets it makes.</summary>
    public static readonly IReadOnlyList<string> Files = ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];

    /// <summary>The committed init snapshot on <paramref name="chainId"/>, made when there is none yet.</summary>
    /// <param name="scratch">A directory to mount the snapshot on while it is made; it is removed after.</param>
    public static async Task<string> EnsureAsync(ISnapshotter snapshotter, string chainId, string scratch, CancellationToken cancellationToken)
    {
        var name = $"init-{chainId}";
        try
        {
            if ((await snapshotter.StatAsync(name, cancellationToken).ConfigureAwait(false)).Kind == SnapshotKind.Committed)
            {
                return name;
            }
        }
        catch (NotFoundException)
        {
        }

        var key = $"init-active-{Guid.NewGuid():N}";
        var mounts = await snapshotter.PrepareAsync(key, chainId, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(scratch);
            SnapshotMounter.MountAll(mounts, scratch);
            try
            {
                foreach (var file in Files)
                {
                    try
                    {
                        RootfsFiles.EnsureFile(scratch, file);
                    }
                    catch (InvalidArgumentException)
                    {
                        // A link into a missing directory, say: the runtime makes the target at mount time, in the container's own layer.
                    }
                }
            }
            finally
            {
                SnapshotMounter.UnmountAll(scratch);
                Directory.Delete(scratch);
            }

            await snapshotter.CommitAsync(name, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            // Another container of the image made it first.
            await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return name;
    }
}
