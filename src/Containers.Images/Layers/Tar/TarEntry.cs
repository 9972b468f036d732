namespace Containers.Images.Layers.Tar;

/// <summary>
/// One entry of a tar stream, with everything a layer needs kept exactly: nanosecond mtimes, ids
/// beyond the ustar range, binary extended attributes. Content is read or written through the
/// <see cref="TarReader"/> or <see cref="TarWriter"/> that owns the entry.
/// </summary>
public sealed record TarEntry
{
    /// <summary>The name as stored: relative, '/'-separated; directories may end with '/'.</summary>
    public required string Name { get; init; }

    public required TarEntryType Type { get; init; }

    /// <summary>Permission bits with setuid, setgid and sticky (the low 12 bits of st_mode).</summary>
    public int Mode { get; init; }

    public long Uid { get; init; }

    public long Gid { get; init; }

    public string? UserName { get; init; }

    public string? GroupName { get; init; }

    public UnixTime ModificationTime { get; init; }

    /// <summary>Bytes of content; zero for every type but <see cref="TarEntryType.RegularFile"/>.</summary>
    public long Size { get; init; }

    /// <summary>The target of a symlink, or the name of the entry a hard link points at.</summary>
    public string? LinkName { get; init; }

    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    /// <summary>Extended attributes (PAX <c>SCHILY.xattr.*</c>), with values as raw bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> ExtendedAttributes { get; init; } = Empty;

    internal static readonly IReadOnlyDictionary<string, byte[]> Empty = new Dictionary<string, byte[]>();

    /// <summary>Whether the entry carries content bytes in the stream.</summary>
    public bool HasData => Type == TarEntryType.RegularFile && Size > 0;

    public override string ToString() => $"{(char)Type} {Name}";
}
