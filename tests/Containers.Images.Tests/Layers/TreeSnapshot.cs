using System.Security.Cryptography;
using System.Text;
using Containers.Linux;

namespace Containers.Images.Tests.Layers;

/// <summary>
/// Everything a layer must keep about a tree, per path: type, mode, owner, size, mtime to the
/// nanosecond, link target, content hash, device numbers, extended attributes and which paths
/// share an inode. Two trees are equal when their snapshots are.
/// </summary>
internal static class TreeSnapshot
{
    public static SortedDictionary<string, string> Take(string root, bool directoryTimes = true, bool symlinkTimes = true)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var inodes = new Dictionary<(ulong, ulong), string>();
        Walk(root, string.Empty, result, inodes, directoryTimes, symlinkTimes);
        return result;
    }

    /// <summary>The differences, one line each, for an assertion message.</summary>
    public static string Differences(IDictionary<string, string> expected, IDictionary<string, string> actual)
    {
        var lines = new List<string>();
        foreach (var key in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            expected.TryGetValue(key, out var want);
            actual.TryGetValue(key, out var got);
            if (want != got)
            {
                lines.Add($"{key}:\n  expected {want ?? "(missing)"}\n  actual   {got ?? "(missing)"}");
            }
        }

        return string.Join('\n', lines.Take(20));
    }

    private static void Walk(string root, string relative, SortedDictionary<string, string> result, Dictionary<(ulong, ulong), string> inodes, bool directoryTimes, bool symlinkTimes)
    {
        var directory = relative.Length == 0 ? root : Path.Combine(root, relative);
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = relative.Length == 0 ? Path.GetFileName(path) : $"{relative}/{Path.GetFileName(path)}";
            var status = PosixFs.StatAt(null, path);
            var text = new StringBuilder();
            text.Append($"{status.Kind} mode={Convert.ToString((int)status.Mode, 8)} owner={status.Uid}:{status.Gid}");
            var timed = status.Kind switch
            {
                FileKind.Directory => directoryTimes,
                FileKind.Symlink => symlinkTimes,
                _ => true,
            };
            if (timed)
            {
                text.Append($" mtime={status.MTime.Seconds}.{status.MTime.Nanoseconds:D9}");
            }

            switch (status.Kind)
            {
                case FileKind.Regular:
                    if (status.Links > 1 && inodes.TryGetValue((status.Device, status.Inode), out var first))
                    {
                        text.Append($" hardlink-of={first}");
                    }
                    else
                    {
                        inodes[(status.Device, status.Inode)] = name;
                        text.Append($" size={status.Size} sha256={Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))}");
                    }

                    break;
                case FileKind.Symlink:
                    text.Append($" -> {PosixFs.ReadLinkAt(null, path)}");
                    break;
                case FileKind.CharDevice or FileKind.BlockDevice:
                    text.Append($" rdev={status.RDevMajor}:{status.RDevMinor}");
                    break;
            }

            foreach (var xattr in PosixFs.ListXattrs(path).Where(x => !x.StartsWith("trusted.overlay.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                text.Append($" {xattr}={Convert.ToHexStringLower(PosixFs.GetXattr(path, xattr) ?? [])}");
            }

            result[name] = text.ToString();
            if (status.Kind == FileKind.Directory)
            {
                Walk(root, name, result, inodes, directoryTimes, symlinkTimes);
            }
        }
    }
}
