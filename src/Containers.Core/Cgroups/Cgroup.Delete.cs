using System.Diagnostics;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Cgroups;

public sealed partial class Cgroup
{
    /// <summary>
    /// Waits until the cgroup and its children hold no process (v2 <c>cgroup.events</c> says
    /// <c>populated 0</c>; v1 every <c>cgroup.procs</c> is empty), then removes the directories,
    /// children first, in every hierarchy. A cgroup that is already gone counts as deleted, so
    /// calling this twice is fine.
    /// </summary>
    /// <exception cref="ConflictException">Processes are still there after <paramref name="timeout"/>; the message lists them. Kill them first (<see cref="KillAll"/>).</exception>
    public async Task DeleteAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsPopulated() && TryRemoveAll())
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

    /// <summary>Whether any process is left in the cgroup or below, in any hierarchy.</summary>
    private bool IsPopulated()
    {
        foreach (var placement in _placements)
        {
            if (!Directory.Exists(placement.Directory))
            {
                continue;
            }

            if (placement.Hierarchy.IsUnified)
            {
                var errno = CgroupFile.TryRead(System.IO.Path.Join(placement.Directory, "cgroup.events"), out var events);
                if (errno == 0 && events!.Split('\n').Contains("populated 1"))
                {
                    return true;
                }
            }
            else if (HasProcesses(placement.Directory))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasProcesses(string directory)
    {
        if (CgroupFile.TryRead(System.IO.Path.Join(directory, "cgroup.procs"), out var text) == 0 && !string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var child in ChildCgroups(directory))
        {
            if (HasProcesses(child))
            {
                return true;
            }
        }

        return false;
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

    /// <summary>rmdir of the tree in every hierarchy, deepest first; false when the kernel still says busy.</summary>
    private bool TryRemoveAll()
    {
        var done = true;
        foreach (var placement in _placements)
        {
            done &= TryRemoveTree(placement.Directory);
        }

        return done;
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
