using Containers.Linux;

namespace Containers.Images.Snapshots.Local;

/// <summary>du of one tree: apparent bytes and inodes, a hard-linked inode counted once, symlinks never followed.</summary>
internal static class SnapshotUsageCounter
{
    public static SnapshotUsage Count(string root, CancellationToken cancellationToken)
    {
        var seen = new HashSet<ulong>();
        long size = 0;
        long inodes = 0;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var directory = pending.Pop();
            foreach (var path in Directory.EnumerateFileSystemEntries(directory))
            {
                var status = PosixFs.StatAt(null, path);
                if (status.Links > 1 && status.Kind != FileKind.Directory && !seen.Add(status.Inode))
                {
                    continue;
                }

                inodes++;
                size += status.Size;
                if (status.Kind == FileKind.Directory)
                {
                    pending.Push(path);
                }
            }
        }

        return new SnapshotUsage(size, inodes);
    }
}
