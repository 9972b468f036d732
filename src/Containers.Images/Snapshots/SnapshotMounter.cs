using Containers.Errors;
using Containers.Linux;
using Containers.Mounts;

namespace Containers.Images.Snapshots;

/// <summary>
/// Performs a snapshotter's mounts on a directory of this host, as containerd's <c>mount.All</c>
/// does: binds (read-only ones remounted), and overlay and other filesystems with their data
/// options. A mount with a <see cref="Mount.WorkingDirectory"/> has its relative paths resolved
/// through an open descriptor of that directory (<c>/proc/self/fd/N/…</c>), since changing the
/// working directory of a .NET process would race its other threads. Needs root.
/// </summary>
public static class SnapshotMounter
{
    private const int MaxMountData = 4095;

    private static readonly string[] PathOptions = ["lowerdir", "upperdir", "workdir"];

    /// <summary>Mounts <paramref name="mounts"/> one over another on <paramref name="target"/>, which must exist.</summary>
    public static void MountAll(IReadOnlyList<Mount> mounts, string target)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        ArgumentException.ThrowIfNullOrEmpty(target);
        var done = 0;
        try
        {
            foreach (var mount in mounts)
            {
                MountOne(mount, target);
                done++;
            }
        }
        catch
        {
            for (; done > 0; done--)
            {
                PosixFs.Unmount(target, LibC.MNT_DETACH);
            }

            throw;
        }
    }

    /// <summary>Unmounts everything <see cref="MountAll"/> put on <paramref name="target"/> (recursive binds included).</summary>
    public static void UnmountAll(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        var full = Path.GetFullPath(target);
        while (MountInfo.ReadSelf().Any(entry => entry.MountPoint == full))
        {
            PosixFs.Unmount(full, LibC.MNT_DETACH);
        }
    }

    private static void MountOne(Mount mount, string target)
    {
        var flags = 0UL;
        var readOnly = false;
        var data = new List<string>();
        foreach (var option in mount.Options)
        {
            switch (option)
            {
                case "ro": readOnly = true; break;
                case "rw": break;
                case "bind": flags |= LibC.MS_BIND; break;
                case "rbind": flags |= LibC.MS_BIND | LibC.MS_REC; break;
                case "nosuid": flags |= LibC.MS_NOSUID; break;
                case "nodev": flags |= LibC.MS_NODEV; break;
                case "noexec": flags |= LibC.MS_NOEXEC; break;
                case "noatime": flags |= LibC.MS_NOATIME; break;
                default: data.Add(option); break;
            }
        }

        if (mount.Type == "bind")
        {
            flags |= LibC.MS_BIND;
        }

        if ((flags & LibC.MS_BIND) != 0)
        {
            PosixFs.Mount(mount.Source, target, null, flags);
            if (readOnly)
            {
                PosixFs.Mount(null, target, null, LibC.MS_BIND | LibC.MS_REMOUNT | LibC.MS_RDONLY | (flags & LibC.MS_REC));
            }

            return;
        }

        if (readOnly)
        {
            flags |= LibC.MS_RDONLY;
        }

        if (mount.WorkingDirectory is null)
        {
            PosixFs.Mount(mount.Source, target, mount.Type, flags, Join(data, mount));
            return;
        }

        using var directory = PosixFs.OpenAt(null, mount.WorkingDirectory, LibC.O_PATH | LibC.O_DIRECTORY);
        var prefix = PosixFs.ProcPath(directory) + "/";
        for (var i = 0; i < data.Count; i++)
        {
            var equals = data[i].IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && PathOptions.Contains(data[i][..equals]))
            {
                var paths = data[i][(equals + 1)..].Split(':').Select(path => Path.IsPathRooted(path) ? path : prefix + path);
                data[i] = $"{data[i][..equals]}={string.Join(':', paths)}";
            }
        }

        PosixFs.Mount(mount.Source, target, mount.Type, flags, Join(data, mount));
    }

    private static string Join(List<string> data, Mount mount)
    {
        var joined = string.Join(',', data);
        return joined.Length <= MaxMountData
            ? joined
            : throw new InvalidArgumentException($"{mount.Type} mount of \"{mount.Source}\" needs {joined.Length} bytes of options, more than the {MaxMountData} the kernel takes; the image has too many layers to stack");
    }
}
