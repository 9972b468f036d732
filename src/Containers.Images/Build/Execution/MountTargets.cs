using System.Security.Cryptography;
using System.Text;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Snapshots;
using Containers.Linux;

namespace Containers.Images.Build.Execution;

/// <summary>
/// The mount targets of a RUN container, made in a committed snapshot of their own between the
/// state's layers and the step's writable one, as Docker's init layer is: <c>/etc/hosts</c>,
/// <c>/etc/hostname</c>, <c>/etc/resolv.conf</c>, <c>/proc</c>, <c>/dev</c>, <c>/sys</c> and the
/// step's <c>--mount</c> targets, where the image lacks them. A mount needs its target to exist;
/// made in the step's own layer, the empty stubs would end up in the image (buildah's do).
/// One per state and set of targets, for the length of one build.
/// </summary>
internal static class MountTargets
{
    /// <summary>The targets every RUN container has: files the engine binds over, and the runtime's own mount points.</summary>
    public static readonly IReadOnlyList<(string Path, bool IsFile)> Standard =
    [
        ("/etc/hosts", true), ("/etc/hostname", true), ("/etc/resolv.conf", true), ("/proc", false), ("/dev", false), ("/sys", false),
    ];

    /// <summary>
    /// The key of a committed snapshot on <paramref name="parent"/> in which every target of
    /// <paramref name="targets"/> exists (made when missing); <paramref name="parent"/> itself when
    /// they all exist already.
    /// </summary>
    public static async Task<string?> EnsureAsync(BuildFilesystems filesystems, string? parent, IReadOnlyList<(string Path, bool IsFile)> targets, CancellationToken cancellationToken)
    {
        var snapshotter = filesystems.Snapshotter;
        var name = KeyOf(filesystems.WorkDirectory, parent, targets);
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

        var key = $"{BuildFilesystems.KeyPrefix}init-active-{Guid.NewGuid():N}";
        var mounts = await snapshotter.PrepareAsync(key, parent, BuildFilesystems.OwnerLabels, cancellationToken).ConfigureAwait(false);
        var scratch = filesystems.NewPath("init");
        bool made;
        try
        {
            Directory.CreateDirectory(scratch);
            SnapshotMounter.MountAll(mounts, scratch);
            try
            {
                made = Make(scratch, targets);
            }
            finally
            {
                SnapshotMounter.UnmountAll(scratch);
                Directory.Delete(scratch);
            }

            if (!made)
            {
                await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
                return parent;
            }

            await snapshotter.CommitAsync(name, key, BuildFilesystems.OwnerLabels, cancellationToken).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            // A stage building beside this one made the same targets on the same layers first.
            await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        filesystems.Made(name);
        return name;
    }

    /// <summary>Makes the missing targets in the rootfs at <paramref name="rootfs"/>; whether any was missing.</summary>
    private static bool Make(string rootfs, IReadOnlyList<(string Path, bool IsFile)> targets)
    {
        var made = false;
        foreach (var (path, isFile) in targets)
        {
            if (Exists(rootfs, path))
            {
                continue;
            }

            made = true;
            try
            {
                if (isFile)
                {
                    RootfsFiles.EnsureFile(rootfs, path);
                }
                else
                {
                    RootfsFiles.EnsureDirectory(rootfs, path, "the mount target");
                }
            }
            catch (InvalidArgumentException) when (isFile && path.StartsWith("/etc/", StringComparison.Ordinal))
            {
                // A link into a missing directory, say: the runtime makes the target at mount time, as the engine's init layer leaves it.
            }
        }

        return made;
    }

    private static bool Exists(string rootfs, string path)
    {
        using var root = PosixFs.OpenDirectory(rootfs);
        var errno = PosixFs.TryOpenInRoot(root, path, LibC.O_PATH, out var handle);
        handle?.Dispose();
        return errno == 0;
    }

    private static string KeyOf(string build, string? parent, IReadOnlyList<(string Path, bool IsFile)> targets)
    {
        var text = new StringBuilder().Append(build).Append('\n').Append(parent).Append('\n');
        foreach (var (path, isFile) in targets)
        {
            text.Append(isFile ? "f " : "d ").Append(path).Append('\n');
        }

        return $"{BuildFilesystems.KeyPrefix}init-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32]}";
    }
}
