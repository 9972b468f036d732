using System.Diagnostics;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Cgroups;

public sealed partial class Cgroup
{
    /// <summary>
    /// Waits until the cgroup and its children hold no process, then removes the directories,
    /// children first, in every hierarchy. The kernel refuses to remove a populated cgroup
    /// (EBUSY), so the removal itself is the test: one rmdir per hierarchy when the cgroup is
    /// empty, which is the usual case at delete. A cgroup that is already gone counts as
    /// deleted, so calling this twice is fine.
    /// </summary>
    /// <exception cref="ConflictException">Processes are still there after <paramref name="timeout"/>; the message lists them. Kill them first (<see cref="KillAll"/>).</exception>
    public async Task DeleteAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryRemoveAll())
            {
                Log.Deleted(_logger, Path.Value);
                return;
            }

            if (stopwatch.Elapsed >= timeout)
            {
                var pids = GetPidsRecursive();
                throw new ConflictException(
                    $"cgroup \"{Path}\" still holds {(pids.Count == 0 ? "busy children" : $"processes {string.Join(", ", pids)}")} after {timeout.TotalSeconds:0.###} s, so it cannot be removed "
                    + $"({string.Join(", ", Directories)}); stop them (Cgroup.KillAll) and delete again");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every pid in the cgroup and its children, in every hierarchy.</summary>
    private List<int> GetPidsRecursive()
    {
        var pids = new SortedSet<int>();
        foreach (var placement in _placements)
        {
            Collect(placement.Directory, pids);
        }

        return [.. pids];

        static void Collect(string directory, SortedSet<int> pids)
        {
            if (CgroupFile.TryRead(System.IO.Path.Join(directory, "cgroup.procs"), out var text) == 0)
            {
                AddPids(text!, pids);
            }

            foreach (var child in SafeSubdirectories(directory))
            {
                Collect(child, pids);
            }
        }
    }

    /// <summary>
    /// rmdir of the tree in every hierarchy, deepest first; false when the kernel still says
    /// busy. It stops at the first busy hierarchy: a container's processes are in all of them,
    /// so a live one leaves every hierarchy in place.
    /// </summary>
    private bool TryRemoveAll()
    {
        foreach (var placement in _placements)
        {
            if (!TryRemoveTree(placement.Directory))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryRemoveTree(string directory)
    {
        var done = true;
        foreach (var child in ChildCgroups(directory))
        {
            done &= TryRemoveTree(child);
        }

        if (!done)
        {
            return false;
        }

        if (LibC.Rmdir(directory) == 0)
        {
            return true;
        }

        var errno = Errno.Last;
        return errno switch
        {
            Errno.ENOENT => true,
            // Tasks that have just exited can keep a cgroup busy for a moment.
            Errno.EBUSY or Errno.ENOTEMPTY => false,
            _ => throw Errno.ToException(errno, $"cgroup \"{Path}\": rmdir", directory),
        };
    }

    /// <summary>
    /// The child cgroups of <paramref name="directory"/>; none when it is gone. The kernel counts
    /// a cgroup directory's links as 2 plus its children, so a leaf (the usual container) is told
    /// by one stat, without reading the directory.
    /// </summary>
    private static string[] ChildCgroups(string directory) =>
        PosixFs.TryStatAt(null, directory, out var status) == 0 && status.Links <= 2 ? [] : SafeSubdirectories(directory);

    /// <summary>The child cgroups of <paramref name="directory"/>; none when it is gone.</summary>
    private static string[] SafeSubdirectories(string directory)
    {
        try
        {
            return Directory.GetDirectories(directory);
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
