using System.Runtime.InteropServices;

namespace Containers.Linux;

/// <summary>mount(2) and umount2(2) with their flags.</summary>
internal static partial class LibC
{
    internal const ulong MS_RDONLY = 0x1;
    internal const ulong MS_NOSUID = 0x2;
    internal const ulong MS_NODEV = 0x4;
    internal const ulong MS_NOEXEC = 0x8;
    internal const ulong MS_SYNCHRONOUS = 0x10;
    internal const ulong MS_REMOUNT = 0x20;
    internal const ulong MS_MANDLOCK = 0x40;
    internal const ulong MS_DIRSYNC = 0x80;
    internal const ulong MS_NOSYMFOLLOW = 0x100;
    internal const ulong MS_NOATIME = 0x400;
    internal const ulong MS_NODIRATIME = 0x800;
    internal const ulong MS_BIND = 0x1000;
    internal const ulong MS_MOVE = 0x2000;
    internal const ulong MS_REC = 0x4000;
    internal const ulong MS_SILENT = 0x8000;
    internal const ulong MS_POSIXACL = 1 << 16;
    internal const ulong MS_UNBINDABLE = 1 << 17;
    internal const ulong MS_PRIVATE = 1 << 18;
    internal const ulong MS_SLAVE = 1 << 19;
    internal const ulong MS_SHARED = 1 << 20;
    internal const ulong MS_RELATIME = 1 << 21;
    internal const ulong MS_I_VERSION = 1 << 23;
    internal const ulong MS_STRICTATIME = 1 << 24;
    internal const ulong MS_LAZYTIME = 1 << 25;

    internal const int MNT_FORCE = 0x1;
    internal const int MNT_DETACH = 0x2;
    internal const int MNT_EXPIRE = 0x4;
    internal const int UMOUNT_NOFOLLOW = 0x8;

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mount(string? source, string target, string? fsType, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Umount2(string target, int flags);
}
