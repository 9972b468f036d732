using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Containers.Linux;

/// <summary>
/// The raw *at family, statx, openat2 and extended attributes. Wrappers in <see cref="PosixFs"/>
/// turn failures into errno values and typed exceptions; nothing else should call these.
/// </summary>
internal static unsafe partial class LibC
{
    internal const int O_WRONLY = 0x1;
    internal const int O_RDWR = 0x2;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_NOCTTY = 0x100;
    internal const int O_TRUNC = 0x200;
    internal const int O_APPEND = 0x400;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_PATH = 0x200000;

    // aarch64 numbers O_DIRECTORY and O_NOFOLLOW differently from x86_64. These initializers
    // depend on each other, so they stay together in this one file, in this order.
    private static readonly bool IsArm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
    internal static readonly int O_DIRECTORY = IsArm64 ? 0x4000 : 0x10000;
    internal static readonly int O_NOFOLLOW = IsArm64 ? 0x8000 : 0x20000;

    /// <summary>O_TMPFILE includes O_DIRECTORY, as in the kernel headers.</summary>
    internal static readonly int O_TMPFILE = 0x400000 | O_DIRECTORY;

    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const int AT_REMOVEDIR = 0x200;
    internal const int AT_SYMLINK_FOLLOW = 0x400;
    internal const int AT_NO_AUTOMOUNT = 0x800;
    internal const int AT_EMPTY_PATH = 0x1000;

    internal const ulong RESOLVE_NO_XDEV = 0x01;
    internal const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    internal const ulong RESOLVE_NO_SYMLINKS = 0x04;
    internal const ulong RESOLVE_BENEATH = 0x08;
    internal const ulong RESOLVE_IN_ROOT = 0x10;
    internal const ulong RESOLVE_CACHED = 0x20;

    /// <summary>The openat2 syscall number: the same on x86_64 and aarch64, which both use the unified table.</summary>
    internal const long SYS_openat2 = 437;

    internal const uint RENAME_NOREPLACE = 1;
    internal const uint RENAME_EXCHANGE = 2;
    internal const uint RENAME_WHITEOUT = 4;

    internal const uint S_IFMT = 0xF000;
    internal const uint S_IFSOCK = 0xC000;
    internal const uint S_IFLNK = 0xA000;
    internal const uint S_IFREG = 0x8000;
    internal const uint S_IFBLK = 0x6000;
    internal const uint S_IFDIR = 0x4000;
    internal const uint S_IFCHR = 0x2000;
    internal const uint S_IFIFO = 0x1000;

    /// <summary>Permission bits plus setuid, setgid and sticky.</summary>
    internal const uint S_IALLUGO = 0xFFF;

    internal const uint STATX_TYPE = 0x1;
    internal const uint STATX_MODE = 0x2;
    internal const uint STATX_NLINK = 0x4;
    internal const uint STATX_UID = 0x8;
    internal const uint STATX_GID = 0x10;
    internal const uint STATX_ATIME = 0x20;
    internal const uint STATX_MTIME = 0x40;
    internal const uint STATX_CTIME = 0x80;
    internal const uint STATX_INO = 0x100;
    internal const uint STATX_SIZE = 0x200;
    internal const uint STATX_BLOCKS = 0x400;
    internal const uint STATX_BASIC_STATS = 0x7FF;
    internal const uint STATX_BTIME = 0x800;

    /// <summary>A timespec nanosecond value that leaves that timestamp unchanged.</summary>
    internal const long UTIME_OMIT = (1L << 30) - 2;
    internal const long UTIME_NOW = (1L << 30) - 1;

    internal const int XATTR_CREATE = 1;
    internal const int XATTR_REPLACE = 2;

    /// <summary><c>struct open_how</c> for openat2.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary><c>struct statx_timestamp</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct StatxTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        public int Reserved;
    }

    /// <summary><c>struct statx</c>, 256 bytes as in include/uapi/linux/stat.h.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    internal struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Links;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        public ushort Spare0;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp ATime;
        public StatxTimestamp BTime;
        public StatxTimestamp CTime;
        public StatxTimestamp MTime;
        public uint RDevMajor;
        public uint RDevMinor;
        public uint DevMajor;
        public uint DevMinor;
        public ulong MountId;
    }

    /// <summary><c>struct timespec</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>glibc's <c>makedev</c>: the 64-bit dev_t of a major and minor number.</summary>
    internal static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8)
        | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OpenAt(SafeFileHandle dirfd, string path, int flags, uint mode);

    /// <summary>openat2 has no glibc wrapper; <c>syscall</c> is variadic but takes integer arguments in the same registers.</summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long OpenAt2(long number, SafeFileHandle dirfd, string path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatxAt(SafeFileHandle dirfd, string path, int flags, uint mask, out Statx buffer);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MkdirAt(SafeFileHandle dirfd, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MknodAt(SafeFileHandle dirfd, string path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SymlinkAt(string target, SafeFileHandle newdirfd, string linkpath);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LinkAt(SafeFileHandle olddirfd, string oldpath, SafeFileHandle newdirfd, string newpath, int flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int UnlinkAt(SafeFileHandle dirfd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int RenameAt2(SafeFileHandle olddirfd, string oldpath, SafeFileHandle newdirfd, string newpath, uint flags);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FChownAt(SafeFileHandle dirfd, string path, uint owner, uint group, int flags);

    [LibraryImport("libc", EntryPoint = "fchmodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FChmodAt(SafeFileHandle dirfd, string path, uint mode, int flags);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int FChmod(SafeFileHandle fd, uint mode);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    internal static partial int FChown(SafeFileHandle fd, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int UtimensAt(SafeFileHandle dirfd, string path, Timespec* times, int flags);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    internal static partial int FUtimens(SafeFileHandle fd, Timespec* times);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ReadLinkAt(SafeFileHandle dirfd, string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "fsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FSetXattr(SafeFileHandle fd, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LSetXattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetXattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "flistxattr", SetLastError = true)]
    internal static partial nint FListXattr(SafeFileHandle fd, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint LListXattr(string path, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "listxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ListXattr(string path, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "fgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint FGetXattr(SafeFileHandle fd, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint LGetXattr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GetXattr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "fremovexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FRemoveXattr(SafeFileHandle fd, string name);

    [LibraryImport("libc", EntryPoint = "removexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int RemoveXattr(string path, string name);
}
