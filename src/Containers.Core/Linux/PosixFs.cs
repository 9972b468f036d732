using Microsoft.Win32.SafeHandles;

namespace Containers.Linux;

/// <summary>
/// Typed wrappers over the *at syscalls, openat2, statx, extended attributes and mount.
/// <list type="bullet">
/// <item>A <c>dir</c> of <see langword="null"/> means the current directory (AT_FDCWD); a path that
/// is absolute ignores <c>dir</c>, as in the kernel.</item>
/// <item>Failures throw through <see cref="Errno"/> with a message that names the call and the path.
/// The <c>Try…</c> variants return the errno instead (0 on success) for hot paths.</item>
/// <item>Every descriptor opened here is close-on-exec and owned by the returned handle.</item>
/// </list>
/// </summary>
internal static partial class PosixFs
{
    /// <summary>AT_FDCWD as a handle, so that the imports can take a <see cref="SafeFileHandle"/>. Never disposed.</summary>
    private static readonly SafeFileHandle CurrentDirectory = new(LibC.AT_FDCWD, ownsHandle: false);

    /// <summary>
    /// <c>/proc/self/fd/N</c> for a descriptor, valid while <paramref name="fd"/> stays open. The
    /// kernel follows this magic link to the descriptor's own inode, even when that is a symlink, so
    /// it reaches what an O_PATH descriptor cannot (the fd overloads here already fall back to it).
    /// Pass it only to calls that follow symlinks: the no-follow ones act on the proc link itself.
    /// </summary>
    internal static string ProcPath(SafeFileHandle fd) => $"/proc/self/fd/{fd.DangerousGetHandle()}";

    private static SafeFileHandle Dir(SafeFileHandle? dir) => dir ?? CurrentDirectory;

    /// <summary>The errno of a call that returned <paramref name="result"/>; read it before any other import runs.</summary>
    private static int ErrnoOf(long result) => result < 0 ? Errno.Last : 0;

    private static int Wrap(long fd, out SafeFileHandle? handle)
    {
        if (fd < 0)
        {
            handle = null;
            return Errno.Last;
        }

        handle = new SafeFileHandle((nint)fd, ownsHandle: true);
        return 0;
    }

    private static void Check(int errno, string call, SafeFileHandle? dir, string path)
    {
        if (errno != 0)
        {
            throw Errno.ToException(errno, call, Describe(dir, path));
        }
    }

    private static void Check(int errno, string call, SafeFileHandle fd)
    {
        if (errno != 0)
        {
            throw Errno.ToException(errno, call, Describe(fd));
        }
    }

    /// <summary><c>"usr/bin" in "/var/lib/x/rootfs"</c> when the directory's path can still be read.</summary>
    private static string Describe(SafeFileHandle? dir, string path) =>
        dir is null || dir.IsClosed || path.StartsWith('/') || TryReadLinkAt(null, ProcPath(dir), out var where) != 0
            ? $"\"{path}\""
            : $"\"{path}\" in \"{where}\"";

    private static string Describe(SafeFileHandle fd) =>
        !fd.IsClosed && TryReadLinkAt(null, ProcPath(fd), out var where) == 0
            ? $"fd {fd.DangerousGetHandle()} (\"{where}\")"
            : $"fd {fd.DangerousGetHandle()}";
}
