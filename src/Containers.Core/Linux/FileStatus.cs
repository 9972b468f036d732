namespace Containers.Linux;

/// <summary>What statx(2) says about one filesystem entry.</summary>
internal readonly record struct FileStatus
{
    public FileKind Kind { get; init; }

    /// <summary>Permission bits with setuid, setgid and sticky (the low 12 bits of st_mode).</summary>
    public UnixFileMode Mode { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public long Size { get; init; }

    /// <summary>The number of hard links (st_nlink).</summary>
    public uint Links { get; init; }

    public ulong Inode { get; init; }

    /// <summary>The device that holds the entry; with <see cref="Inode"/> it names the inode uniquely.</summary>
    public uint DevMajor { get; init; }

    public uint DevMinor { get; init; }

    /// <summary>For character and block devices, the device the entry stands for.</summary>
    public uint RDevMajor { get; init; }

    public uint RDevMinor { get; init; }

    public (long Seconds, uint Nanoseconds) MTime { get; init; }

    public (long Seconds, uint Nanoseconds) ATime { get; init; }

    /// <summary><see cref="DevMajor"/> and <see cref="DevMinor"/> as one dev_t (glibc makedev encoding).</summary>
    public ulong Device => LibC.MakeDev(DevMajor, DevMinor);

    /// <summary>The modification time in nanoseconds since the Unix epoch.</summary>
    public long MTimeNanoseconds => ToNanoseconds(MTime);

    /// <summary>The access time in nanoseconds since the Unix epoch.</summary>
    public long ATimeNanoseconds => ToNanoseconds(ATime);

    internal static FileStatus From(in LibC.Statx statx) => new()
    {
        Kind = KindOf(statx.Mode),
        Mode = (UnixFileMode)(statx.Mode & LibC.S_IALLUGO),
        Uid = statx.Uid,
        Gid = statx.Gid,
        Size = (long)statx.Size,
        Links = statx.Links,
        Inode = statx.Inode,
        DevMajor = statx.DevMajor,
        DevMinor = statx.DevMinor,
        RDevMajor = statx.RDevMajor,
        RDevMinor = statx.RDevMinor,
        MTime = (statx.MTime.Seconds, statx.MTime.Nanoseconds),
        ATime = (statx.ATime.Seconds, statx.ATime.Nanoseconds),
    };

    /// <summary>The S_IFMT bits as a <see cref="FileKind"/>, whose values are those bits.</summary>
    private static FileKind KindOf(uint mode)
    {
        var kind = (FileKind)(mode & LibC.S_IFMT);
        return Enum.IsDefined(kind) ? kind : FileKind.Unknown;
    }

    private static long ToNanoseconds((long Seconds, uint Nanoseconds) time) => (time.Seconds * 1_000_000_000) + time.Nanoseconds;
}
