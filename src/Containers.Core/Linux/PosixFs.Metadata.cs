using Microsoft.Win32.SafeHandles;

namespace Containers.Linux;

internal static unsafe partial class PosixFs
{
    /// <summary>A time for <see cref="SetTimesAt"/> and <see cref="SetTimes"/> that leaves that timestamp as it is.</summary>
    internal static readonly (long Seconds, uint Nanoseconds) OmitTime = (0, (uint)LibC.UTIME_OMIT);

    /// <summary>fchownat(2) with AT_SYMLINK_NOFOLLOW: a symlink's own owner changes, not its target's.</summary>
    internal static void ChangeOwnerAt(SafeFileHandle? dir, string name, uint uid, uint gid) =>
        Check(ErrnoOf(LibC.FChownAt(Dir(dir), name, uid, gid, LibC.AT_SYMLINK_NOFOLLOW)), "fchownat", dir, name);

    /// <summary>Changes the owner of what <paramref name="fd"/> refers to; O_PATH descriptors, symlinks included, work.</summary>
    internal static void ChangeOwner(SafeFileHandle fd, uint uid, uint gid)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var result = LibC.FChownAt(fd, string.Empty, uid, gid, LibC.AT_EMPTY_PATH | LibC.AT_SYMLINK_NOFOLLOW);
        Check(ErrnoOf(result), "fchownat", fd);
    }

    /// <summary>
    /// fchmod(2), exact bits (no umask). Linux symlinks have no mode of their own: a symlink
    /// descriptor fails with EOPNOTSUPP. fchmod rejects O_PATH descriptors, so for those the mode is
    /// set through <see cref="ProcPath"/>, which needs /proc.
    /// </summary>
    internal static void ChangeMode(SafeFileHandle fd, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var errno = ErrnoOf(LibC.FChmod(fd, (uint)mode));
        if (errno == Errno.EBADF)
        {
            errno = ErrnoOf(LibC.FChmodAt(CurrentDirectory, ProcPath(fd), (uint)mode, 0));
        }

        Check(errno, "fchmod", fd);
    }

    /// <summary>
    /// fchmodat(2) with AT_SYMLINK_NOFOLLOW, exact bits. Call it only on non-symlinks: Linux cannot
    /// chmod a symlink, and a symlink here fails with EOPNOTSUPP rather than changing its target.
    /// </summary>
    internal static void ChangeModeAt(SafeFileHandle? dir, string name, UnixFileMode mode) =>
        Check(ErrnoOf(LibC.FChmodAt(Dir(dir), name, (uint)mode, LibC.AT_SYMLINK_NOFOLLOW)), "fchmodat", dir, name);

    /// <summary>utimensat(2) with AT_SYMLINK_NOFOLLOW, to the nanosecond: a symlink's own times change.</summary>
    internal static void SetTimesAt(SafeFileHandle? dir, string name, (long Seconds, uint Nanoseconds) atime, (long Seconds, uint Nanoseconds) mtime)
    {
        var times = stackalloc LibC.Timespec[2];
        Fill(times, atime, mtime);
        Check(ErrnoOf(LibC.UtimensAt(Dir(dir), name, times, LibC.AT_SYMLINK_NOFOLLOW)), "utimensat", dir, name);
    }

    /// <summary>futimens(2), to the nanosecond; an O_PATH descriptor (a symlink's too) goes through utimensat with AT_EMPTY_PATH.</summary>
    internal static void SetTimes(SafeFileHandle fd, (long Seconds, uint Nanoseconds) atime, (long Seconds, uint Nanoseconds) mtime)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var times = stackalloc LibC.Timespec[2];
        Fill(times, atime, mtime);
        var errno = ErrnoOf(LibC.FUtimens(fd, times));
        if (errno == Errno.EBADF)
        {
            errno = ErrnoOf(LibC.UtimensAt(fd, string.Empty, times, LibC.AT_EMPTY_PATH));
        }

        Check(errno, "futimens", fd);
    }

    private static void Fill(LibC.Timespec* times, (long Seconds, uint Nanoseconds) atime, (long Seconds, uint Nanoseconds) mtime)
    {
        times[0] = new LibC.Timespec { Seconds = atime.Seconds, Nanoseconds = atime.Nanoseconds };
        times[1] = new LibC.Timespec { Seconds = mtime.Seconds, Nanoseconds = mtime.Nanoseconds };
    }
}
