using Microsoft.Win32.SafeHandles;

namespace Containers.Linux;

internal static unsafe partial class PosixFs
{
    /// <summary>The resolve flags that keep a lookup inside its root: absolute symlinks and ".." stop at the root.</summary>
    internal const ulong InRoot = LibC.RESOLVE_IN_ROOT | LibC.RESOLVE_NO_MAGICLINKS;

    /// <summary>openat2 fails with EAGAIN when a rename races the lookup; it is then safe to retry.</summary>
    private const int OpenInRootAttempts = 16;

    /// <summary>Opens a directory for use as the <c>dir</c> of the *at calls.</summary>
    internal static SafeFileHandle OpenDirectory(string path) => OpenAt(null, path, LibC.O_RDONLY | LibC.O_DIRECTORY);

    /// <summary>openat(2); O_CLOEXEC is always added and <paramref name="mode"/> is filtered by the umask.</summary>
    internal static SafeFileHandle OpenAt(SafeFileHandle? dir, string path, int flags, UnixFileMode mode = UnixFileMode.None)
    {
        Check(TryOpenAt(dir, path, flags, out var handle, mode), "openat", dir, path);
        return handle!;
    }

    internal static int TryOpenAt(SafeFileHandle? dir, string path, int flags, out SafeFileHandle? handle, UnixFileMode mode = UnixFileMode.None) =>
        Wrap(LibC.OpenAt(Dir(dir), path, flags | LibC.O_CLOEXEC, (uint)mode), out handle);

    /// <summary>
    /// openat2(2) of <paramref name="path"/> resolved inside <paramref name="root"/>: with the default
    /// <paramref name="resolve"/>, "..", absolute paths and absolute symlinks all stay inside the root,
    /// as if the caller had chrooted there. O_CLOEXEC is always added.
    /// </summary>
    internal static SafeFileHandle OpenInRoot(SafeFileHandle root, string path, int flags, UnixFileMode mode = UnixFileMode.None, ulong resolve = InRoot)
    {
        Check(TryOpenInRoot(root, path, flags, out var handle, mode, resolve), "openat2", root, path);
        return handle!;
    }

    internal static int TryOpenInRoot(SafeFileHandle root, string path, int flags, out SafeFileHandle? handle, UnixFileMode mode = UnixFileMode.None, ulong resolve = InRoot)
    {
        ArgumentNullException.ThrowIfNull(root);
        var creates = (flags & LibC.O_CREAT) != 0 || (flags & LibC.O_TMPFILE) == LibC.O_TMPFILE;
        var how = new LibC.OpenHow
        {
            Flags = (uint)(flags | LibC.O_CLOEXEC),
            // openat2, unlike openat, rejects a mode when nothing is created.
            Mode = creates ? (uint)mode : 0,
            Resolve = resolve,
        };

        // With RESOLVE_CACHED, EAGAIN means "not in the cache", which retrying does not change.
        var attempts = (resolve & LibC.RESOLVE_CACHED) != 0 ? 1 : OpenInRootAttempts;
        var errno = 0;
        handle = null;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            errno = Wrap(LibC.OpenAt2(LibC.SYS_openat2, root, path, &how, (nuint)sizeof(LibC.OpenHow)), out handle);
            if (errno != Errno.EAGAIN)
            {
                break;
            }
        }

        return errno;
    }
}
