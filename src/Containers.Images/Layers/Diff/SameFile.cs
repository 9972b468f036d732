using System.Buffers;
using Containers.Linux;

namespace Containers.Images.Layers.Diff;

/// <summary>
/// Whether a path is unchanged between two trees, as containerd decides it: type, mode, owner,
/// device numbers, symlink target and extended attributes must match, and for regular files the
/// size and the link count. Then any difference in mtime is a change; equal mtimes with non-zero
/// nanoseconds are trusted without reading; only when both nanoseconds are zero (a filesystem or
/// a tool that keeps whole seconds) are the bytes compared, up to the first difference.
/// </summary>
internal static class SameFile
{
    private const int ChunkSize = 1 << 16;

    public static bool Equal(string lowerPath, FileStatus lower, string upperPath, FileStatus upper)
    {
        if (lower.Device == upper.Device && lower.Inode == upper.Inode)
        {
            return true;
        }

        if (lower.Kind != upper.Kind || lower.Mode != upper.Mode || lower.Uid != upper.Uid || lower.Gid != upper.Gid
            || lower.RDevMajor != upper.RDevMajor || lower.RDevMinor != upper.RDevMinor || lower.MTime != upper.MTime)
        {
            return false;
        }

        // The link count matters: a file that gained or lost a link must be written again for the links to come out right.
        var regular = lower.Kind == FileKind.Regular;
        if (regular && (lower.Size != upper.Size || lower.Links != upper.Links))
        {
            return false;
        }

        if (lower.Kind == FileKind.Symlink && PosixFs.ReadLinkAt(null, lowerPath) != PosixFs.ReadLinkAt(null, upperPath))
        {
            return false;
        }

        if (!XattrsEqual(FileEntries.ReadXattrs(lowerPath), FileEntries.ReadXattrs(upperPath)))
        {
            return false;
        }

        return lower.MTime.Nanoseconds != 0 || !regular || lower.Size == 0 || ContentEqual(lowerPath, upperPath, lower.Size);
    }

    private static bool XattrsEqual(IReadOnlyDictionary<string, byte[]> lower, IReadOnlyDictionary<string, byte[]> upper)
    {
        if (lower.Count != upper.Count)
        {
            return false;
        }

        foreach (var (name, value) in lower)
        {
            if (!upper.TryGetValue(name, out var other) || !value.AsSpan().SequenceEqual(other))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContentEqual(string lowerPath, string upperPath, long size)
    {
        using var lower = PosixFs.OpenAt(null, lowerPath, LibC.O_RDONLY | LibC.O_NOFOLLOW);
        using var upper = PosixFs.OpenAt(null, upperPath, LibC.O_RDONLY | LibC.O_NOFOLLOW);
        var buffer = ArrayPool<byte>.Shared.Rent(2 * ChunkSize);
        try
        {
            var left = buffer.AsSpan(0, ChunkSize);
            var right = buffer.AsSpan(ChunkSize, ChunkSize);
            for (long offset = 0; offset < size;)
            {
                // A file that shrinks, or reads short, while it is compared counts as changed.
                var read = RandomAccess.Read(lower, left, offset);
                if (read == 0 || RandomAccess.Read(upper, right[..read], offset) != read || !left[..read].SequenceEqual(right[..read]))
                {
                    return false;
                }

                offset += read;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
