namespace Containers.Linux;

/// <summary>The type of a filesystem entry; each value is its <c>S_IFMT</c> bits.</summary>
internal enum FileKind : uint
{
    /// <summary>A type the kernel reported that none of the others match (some anonymous inodes).</summary>
    Unknown = 0,
    Fifo = LibC.S_IFIFO,
    CharDevice = LibC.S_IFCHR,
    Directory = LibC.S_IFDIR,
    BlockDevice = LibC.S_IFBLK,
    Regular = LibC.S_IFREG,
    Symlink = LibC.S_IFLNK,
    Socket = LibC.S_IFSOCK,
}
