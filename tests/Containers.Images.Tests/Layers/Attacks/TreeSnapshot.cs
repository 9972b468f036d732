using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Containers.Images.Tests.Layers.Attacks;

/// <summary>
/// Everything observable about a directory tree, read with statx without following symlinks:
/// type, mode, owner, link count, inode, size, content hash, link target, mtime and ctime. The
/// ctime catches a chmod, chown, xattr or hard link that was later undone; the link count catches a
/// hard link made from elsewhere to a file in the tree.
/// </summary>
internal static class TreeSnapshot
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;

    public sealed record Node(string Kind, string Mode, uint Uid, uint Gid, uint Links, ulong Inode, ulong Size, string? Sha256, string? LinkTarget, string ModifiedAt, string ChangedAt);

    /// <summary>Every path under <paramref name="top"/> (as "." for itself), except the top-level names in <paramref name="skip"/>.</summary>
    public static SortedDictionary<string, Node> Take(string top, params string[] skip)
    {
        var nodes = new SortedDictionary<string, Node>(StringComparer.Ordinal);
        Visit(top, ".", nodes, skip);
        return nodes;
    }

    /// <summary>The paths that differ between two snapshots, one line each, or empty.</summary>
    public static List<string> Differences(IReadOnlyDictionary<string, Node> before, IReadOnlyDictionary<string, Node> after)
    {
        var differences = new List<string>();
        foreach (var (path, node) in before)
        {
            if (!after.TryGetValue(path, out var now))
            {
                differences.Add($"removed {path}: was {node}");
            }
            else if (now != node)
            {
                differences.Add($"changed {path}: {node} -> {now}");
            }
        }

        foreach (var (path, node) in after)
        {
            if (!before.ContainsKey(path))
            {
                differences.Add($"added {path}: {node}");
            }
        }

        return differences;
    }

    /// <summary>Whether anything, a dangling symlink included, is at <paramref name="path"/>.</summary>
    public static bool Exists(string path) => Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, new byte[256]) == 0;

    public static Node Stat(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            throw new IOException($"statx \"{path}\" failed with errno {Marshal.GetLastPInvokeError()}");
        }

        // struct statx: nlink u32 @16, uid @20, gid @24, mode u16 @28, ino u64 @32, size @40,
        // timestamps (s64 seconds, u32 nanoseconds, 16 bytes each): ctime @96, mtime @112.
        var mode = BitConverter.ToUInt16(buffer, 28);
        var kind = (mode & 0xf000) switch
        {
            0x8000 => "file",
            0x4000 => "directory",
            0xa000 => "symlink",
            0x1000 => "fifo",
            0x2000 => "char device",
            0x6000 => "block device",
            0xc000 => "socket",
            _ => $"type 0x{mode & 0xf000:x}",
        };
        return new Node(
            kind,
            Convert.ToString(mode & 0xfff, 8),
            BitConverter.ToUInt32(buffer, 20),
            BitConverter.ToUInt32(buffer, 24),
            BitConverter.ToUInt32(buffer, 16),
            BitConverter.ToUInt64(buffer, 32),
            BitConverter.ToUInt64(buffer, 40),
            kind == "file" ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : null,
            kind == "symlink" ? new FileInfo(path).LinkTarget : null,
            Time(buffer, 112),
            Time(buffer, 96));
    }

    private static void Visit(string full, string relative, SortedDictionary<string, Node> nodes, string[] skip)
    {
        var node = Stat(full);
        nodes[relative] = node;
        if (node.Kind != "directory")
        {
            return;
        }

        foreach (var child in Directory.EnumerateFileSystemEntries(full).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(child);
            if (relative == "." && skip.Contains(name))
            {
                continue;
            }

            Visit(child, relative == "." ? name : $"{relative}/{name}", nodes, skip);
        }
    }

    private static string Time(byte[] buffer, int offset) => $"{BitConverter.ToInt64(buffer, offset)}.{BitConverter.ToUInt32(buffer, offset + 8):d9}";

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
