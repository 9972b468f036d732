using Microsoft.Win32.SafeHandles;

namespace Containers.Linux;

internal static partial class PosixFs
{
    /// <summary>statx(2) of what <paramref name="fd"/> refers to; O_PATH descriptors work, symlinks included.</summary>
    internal static FileStatus Stat(SafeFileHandle fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        Check(Statx(fd, string.Empty, LibC.AT_EMPTY_PATH | LibC.AT_SYMLINK_NOFOLLOW, out var status), "statx", fd);
        return status;
    }

    /// <summary>statx(2) of <paramref name="path"/>; a final symlink is reported as itself unless <paramref name="followSymlinks"/>.</summary>
    internal static FileStatus StatAt(SafeFileHandle? dir, string path, bool followSymlinks = false)
    {
        Check(TryStatAt(dir, path, out var status, followSymlinks), "statx", dir, path);
        return status;
    }

    internal static int TryStatAt(SafeFileHandle? dir, string path, out FileStatus status, bool followSymlinks = false) =>
        Statx(Dir(dir), path, followSymlinks ? 0 : LibC.AT_SYMLINK_NOFOLLOW, out status);

    private static int Statx(SafeFileHandle dir, string path, int flags, out FileStatus status)
    {
        if (LibC.StatxAt(dir, path, flags, LibC.STATX_BASIC_STATS, out var statx) != 0)
        {
            status = default;
            return Errno.Last;
        }

        status = FileStatus.From(statx);
        return 0;
    }
}
