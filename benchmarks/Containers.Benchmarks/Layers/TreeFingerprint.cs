using System.Globalization;
using System.Security.Cryptography;
using Containers.Images.Layers;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// What a tree holds, to check that every contestant produced the same tree: one line per entry
/// (path, type, mode, owner, size, mtime in seconds, symlink target) and, for one regular file in
/// <see cref="ContentSampleEvery"/>, the SHA-256 of its bytes. The root itself is left out, since
/// each tool treats the directory it extracts into differently.
/// </summary>
internal sealed class TreeFingerprint
{
    private const int ContentSampleEvery = 97;

    private TreeFingerprint(IReadOnlyList<string> lines, int files, int directories, int symlinks, long bytes)
    {
        Lines = lines;
        Files = files;
        Directories = directories;
        Symlinks = symlinks;
        Bytes = bytes;
    }

    public IReadOnlyList<string> Lines { get; }

    public int Files { get; }

    public int Directories { get; }

    public int Symlinks { get; }

    public long Bytes { get; }

    /// <summary>Walks <paramref name="root"/> in name order; directory mtimes are left out unless <paramref name="directoryTimes"/>.</summary>
    public static TreeFingerprint Of(string root, bool directoryTimes = true)
    {
        var lines = new List<string>();
        var counts = new int[3];
        long bytes = 0;
        var regular = 0;
        using var handle = PosixFs.OpenDirectory(root);
        Walk(handle, Path.GetFullPath(root), string.Empty);
        return new TreeFingerprint(lines, counts[0], counts[1], counts[2], bytes);

        void Walk(SafeFileHandle directory, string directoryPath, string relative)
        {
            foreach (var name in LayerWriter.ListSorted(directoryPath))
            {
                var path = relative.Length == 0 ? name : $"{relative}/{name}";
                var status = PosixFs.StatAt(directory, name);
                var mode = Convert.ToString((int)status.Mode, 8).PadLeft(4, '0');
                var time = status.Kind == FileKind.Directory && !directoryTimes ? "-" : status.MTime.Seconds.ToString(CultureInfo.InvariantCulture);
                var line = $"{path} {status.Kind} {mode} {status.Uid}:{status.Gid} {time}";
                switch (status.Kind)
                {
                    case FileKind.Regular:
                        counts[0]++;
                        bytes += status.Size;
                        line += $" {status.Size}";
                        if (regular++ % ContentSampleEvery == 0)
                        {
                            using var file = PosixFs.OpenAt(directory, name, LibC.O_RDONLY | LibC.O_NOFOLLOW);
                            using var stream = new FileStream(file, FileAccess.Read, bufferSize: 0);
                            line += $" {Convert.ToHexStringLower(SHA256.HashData(stream))}";
                        }

                        break;
                    case FileKind.Directory:
                        counts[1]++;
                        break;
                    case FileKind.Symlink:
                        counts[2]++;
                        line = $"{path} {status.Kind} {status.Uid}:{status.Gid} {time} -> {PosixFs.ReadLinkAt(directory, name)}";
                        break;
                }

                lines.Add(line);
                if (status.Kind == FileKind.Directory)
                {
                    using var child = PosixFs.OpenAt(directory, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW);
                    Walk(child, Path.Join(directoryPath, name), path);
                }
            }
        }
    }

    /// <summary>Throws, showing the first differences, unless <paramref name="actual"/> holds what this fingerprint does.</summary>
    public void Require(TreeFingerprint actual, string who)
    {
        if (Lines.SequenceEqual(actual.Lines, StringComparer.Ordinal))
        {
            return;
        }

        var expected = new HashSet<string>(Lines, StringComparer.Ordinal);
        var got = new HashSet<string>(actual.Lines, StringComparer.Ordinal);
        var missing = Lines.Where(l => !got.Contains(l)).Take(5);
        var extra = actual.Lines.Where(l => !expected.Contains(l)).Take(5);
        throw new InvalidOperationException(
            $"{who} did not reproduce the tree ({actual} against {this}); the comparison would be meaningless.\n"
            + $"missing or different:\n  {string.Join("\n  ", missing)}\nunexpected:\n  {string.Join("\n  ", extra)}");
    }

    public override string ToString() => $"{Files} files of {Bytes} bytes, {Directories} directories, {Symlinks} symlinks";
}
