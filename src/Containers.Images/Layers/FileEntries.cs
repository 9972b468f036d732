using Containers.Images.Layers.Tar;
using Containers.Linux;

namespace Containers.Images.Layers;

/// <summary>Turns what statx and the xattr calls say about a file into a tar entry.</summary>
internal static class FileEntries
{
    public static TarEntry From(string relativePath, FileStatus status, IReadOnlyDictionary<string, byte[]> xattrs) => new()
    {
        Name = status.Kind == FileKind.Directory ? relativePath + "/" : relativePath,
        Type = status.Kind switch
        {
            FileKind.Directory => TarEntryType.Directory,
            FileKind.Symlink => TarEntryType.SymbolicLink,
            FileKind.CharDevice => TarEntryType.CharacterDevice,
            FileKind.BlockDevice => TarEntryType.BlockDevice,
            FileKind.Fifo => TarEntryType.Fifo,
            _ => TarEntryType.RegularFile,
        },
        Mode = (int)status.Mode,
        Uid = status.Uid,
        Gid = status.Gid,
        Size = status.Kind == FileKind.Regular ? status.Size : 0,
        ModificationTime = new UnixTime(status.MTime.Seconds, status.MTime.Nanoseconds),
        DeviceMajor = (int)status.RDevMajor,
        DeviceMinor = (int)status.RDevMinor,
        ExtendedAttributes = xattrs,
    };

    /// <summary>
    /// The extended attributes that belong in a layer. overlayfs' own (<c>trusted.overlay.*</c>,
    /// <c>user.overlay.*</c>) describe the upper directory, not the file; SELinux labels and
    /// ACLs in <c>system.*</c> describe the host.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> ReadXattrs(string path)
    {
        var names = PosixFs.ListXattrs(path);
        if (names.Count == 0)
        {
            return TarEntry.Empty;
        }

        Dictionary<string, byte[]>? result = null;
        foreach (var name in names)
        {
            if (!Carried(name))
            {
                continue;
            }

            if (PosixFs.GetXattr(path, name) is { } value)
            {
                (result ??= new Dictionary<string, byte[]>(StringComparer.Ordinal))[name] = value;
            }
        }

        return (IReadOnlyDictionary<string, byte[]>?)result ?? TarEntry.Empty;
    }

    private static bool Carried(string name) =>
        !name.StartsWith("trusted.overlay.", StringComparison.Ordinal)
        && !name.StartsWith("user.overlay.", StringComparison.Ordinal)
        && !name.StartsWith("system.", StringComparison.Ordinal)
        && name != "security.selinux";
}
