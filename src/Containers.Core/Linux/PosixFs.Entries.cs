using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Containers.Linux;

internal static unsafe partial class PosixFs
{
    /// <summary>The longest symlink target <see cref="ReadLinkAt"/> reads before it gives up with ENAMETOOLONG.</summary>
    private const int MaxLinkTarget = 64 * 1024;

    /// <summary>mkdirat(2); <paramref name="mode"/> is filtered by the umask, so follow with <see cref="ChangeMode"/> for exact bits.</summary>
    internal static void MakeDirectoryAt(SafeFileHandle? dir, string name, UnixFileMode mode) =>
        Check(TryMakeDirectoryAt(dir, name, mode), "mkdirat", dir, name);

    internal static int TryMakeDirectoryAt(SafeFileHandle? dir, string name, UnixFileMode mode) =>
        ErrnoOf(LibC.MkdirAt(Dir(dir), name, (uint)mode));

    /// <summary>
    /// mknodat(2) of a FIFO, socket, regular file or (needing CAP_MKNOD) a character or block device
    /// <paramref name="major"/>:<paramref name="minor"/>. The umask filters <paramref name="mode"/>.
    /// </summary>
    internal static void MakeNodeAt(SafeFileHandle? dir, string name, FileKind kind, UnixFileMode mode, uint major = 0, uint minor = 0)
    {
        if (kind is not (FileKind.Fifo or FileKind.CharDevice or FileKind.BlockDevice or FileKind.Regular or FileKind.Socket))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"mknodat cannot make a {kind} (\"{name}\")");
        }

        var result = LibC.MknodAt(Dir(dir), name, (uint)kind | (uint)mode, LibC.MakeDev(major, minor));
        Check(ErrnoOf(result), "mknodat", dir, name);
    }

    /// <summary>symlinkat(2): makes <paramref name="name"/> a symlink whose content is <paramref name="target"/>.</summary>
    internal static void SymlinkAt(string target, SafeFileHandle? dir, string name) =>
        Check(ErrnoOf(LibC.SymlinkAt(target, Dir(dir), name)), "symlinkat", dir, name);

    /// <summary>linkat(2) without AT_SYMLINK_FOLLOW: a hard link to <paramref name="oldName"/> itself, even a symlink.</summary>
    internal static void LinkAt(SafeFileHandle? oldDir, string oldName, SafeFileHandle? newDir, string newName)
    {
        var errno = ErrnoOf(LibC.LinkAt(Dir(oldDir), oldName, Dir(newDir), newName, 0));
        if (errno != 0)
        {
            throw Errno.ToException(errno, "linkat", $"{Describe(newDir, newName)} to {Describe(oldDir, oldName)}");
        }
    }

    /// <summary>unlinkat(2): removes a non-directory, or with <paramref name="directory"/> an empty directory.</summary>
    internal static void UnlinkAt(SafeFileHandle? dir, string name, bool directory = false) =>
        Check(TryUnlinkAt(dir, name, directory), "unlinkat", dir, name);

    internal static int TryUnlinkAt(SafeFileHandle? dir, string name, bool directory = false) =>
        ErrnoOf(LibC.UnlinkAt(Dir(dir), name, directory ? LibC.AT_REMOVEDIR : 0));

    /// <summary>renameat2(2); <paramref name="flags"/> takes <c>LibC.RENAME_NOREPLACE</c>, <c>RENAME_EXCHANGE</c> or <c>RENAME_WHITEOUT</c>.</summary>
    internal static void Rename(SafeFileHandle? oldDir, string oldName, SafeFileHandle? newDir, string newName, uint flags = 0)
    {
        var errno = ErrnoOf(LibC.RenameAt2(Dir(oldDir), oldName, Dir(newDir), newName, flags));
        if (errno != 0)
        {
            throw Errno.ToException(errno, "renameat2", $"{Describe(oldDir, oldName)} to {Describe(newDir, newName)}");
        }
    }

    /// <summary>readlinkat(2) of the symlink <paramref name="name"/>; an empty name reads an O_PATH symlink descriptor.</summary>
    internal static string ReadLinkAt(SafeFileHandle? dir, string name)
    {
        Check(TryReadLinkAt(dir, name, out var target), "readlinkat", dir, name);
        return target!;
    }

    internal static int TryReadLinkAt(SafeFileHandle? dir, string name, out string? target)
    {
        var handle = Dir(dir);
        for (var size = 256; ; size *= 2)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                nint length;
                fixed (byte* bytes = buffer)
                {
                    length = LibC.ReadLinkAt(handle, name, bytes, (nuint)buffer.Length);
                }

                if (length < 0)
                {
                    target = null;
                    return Errno.Last;
                }

                // A target that fills the buffer may have been cut short.
                if (length < buffer.Length)
                {
                    target = Encoding.UTF8.GetString(buffer, 0, (int)length);
                    return 0;
                }

                if (buffer.Length >= MaxLinkTarget)
                {
                    target = null;
                    return Errno.ENAMETOOLONG;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
