using System.Diagnostics;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Cgroups;

public sealed partial class Cgroup
{
    private static readonly TimeSpan DefaultFreezeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Freezes every process in the cgroup and its children, and returns once the kernel reports
    /// the cgroup frozen: v1 <c>freezer.state</c> reads back <c>FROZEN</c>, or v2
    /// <c>cgroup.events</c> says <c>frozen 1</c>. The v1 freezer is used when it is mounted.
    /// </summary>
    /// <exception cref="FailedPreconditionException">There is neither a v1 freezer nor a unified hierarchy.</exception>
    /// <exception cref="UnavailableException">The cgroup did not freeze within <paramref name="timeout"/> (10 s by default); it is thawed again.</exception>
    public void Freeze(TimeSpan? timeout = null) => SetFrozen(frozen: true, timeout ?? DefaultFreezeTimeout);

    /// <summary>Thaws the cgroup and returns once the kernel reports it thawed.</summary>
    public void Thaw(TimeSpan? timeout = null) => SetFrozen(frozen: false, timeout ?? DefaultFreezeTimeout);

    /// <summary>Whether the cgroup is frozen (v1 <c>freezer.state</c> FROZEN; v2 <c>cgroup.events</c> frozen 1).</summary>
    public bool IsFrozen
    {
        get
        {
            if (DirectoryOf("freezer") is { } v1 && !_layout.HierarchyOf("freezer")!.IsUnified)
            {
                return CgroupFile.TryRead(System.IO.Path.Join(v1, "freezer.state"), out var state) == 0 && state!.Trim() == "FROZEN";
            }

            return UnifiedDirectory is { } unified
                && CgroupFile.TryRead(System.IO.Path.Join(unified, "cgroup.events"), out var events) == 0
                && events!.Split('\n').Contains("frozen 1");
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every process in the cgroup and its children. For
    /// SIGKILL with a unified hierarchy that has <c>cgroup.kill</c> (Linux 5.14+), the kernel does
    /// it atomically; otherwise the cgroup is frozen so that nothing can fork away, every pid is
    /// signalled, and the cgroup is thawed so that the signals are delivered. It does not wait for
    /// the processes to exit; <see cref="DeleteAsync"/> does.
    /// </summary>
    public void KillAll(int signal = LibC.SIGKILL)
    {
        if (signal == LibC.SIGKILL && UnifiedDirectory is { } unified && File.Exists(System.IO.Path.Join(unified, "cgroup.kill")))
        {
            CgroupFile.Write(Path, unified, "cgroup.kill", "1");
            return;
        }

        var canFreeze = _layout.FindV1("freezer") is not null || UnifiedDirectory is not null;
        Log.SignallingEach(_logger, Path.Value, signal, canFreeze);
        if (canFreeze)
        {
            Freeze();
        }

        try
        {
            foreach (var pid in GetPidsRecursive())
            {
                if (LibC.Kill(pid, signal) != 0 && Errno.Last is var errno && errno != Errno.ESRCH)
                {
                    throw Errno.ToException(errno, $"cgroup \"{Path}\": kill", $"pid {pid} with signal {signal}");
                }
            }
        }
        finally
        {
            if (canFreeze)
            {
                Thaw();
            }
        }
    }

    private void SetFrozen(bool frozen, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        if (DirectoryOf("freezer") is { } v1 && !_layout.HierarchyOf("freezer")!.IsUnified)
        {
            var want = frozen ? "FROZEN" : "THAWED";
            var attempt = 0;
            while (true)
            {
                // A v1 freeze can stall in FREEZING (a task in an uninterruptible sleep); writing
                // FROZEN again retries it, as runc does.
                if (attempt++ % 20 == 0)
                {
                    CgroupFile.Write(Path, v1, "freezer.state", want);
                }

                if (CgroupFile.FirstLine(CgroupFile.Read(Path, v1, "freezer.state")).Trim() == want)
                {
                    return;
                }

                CheckTimeout(stopwatch, timeout, frozen, v1, "freezer.state");
                Thread.Sleep(PollInterval);
            }
        }

        var unified = UnifiedDirectory ?? throw new FailedPreconditionException(
            $"cgroup \"{Path}\": freezing needs the v1 freezer controller or a cgroup v2 hierarchy, and this host has neither");
        CgroupFile.Write(Path, unified, "cgroup.freeze", frozen ? "1" : "0");
        var expected = frozen ? "frozen 1" : "frozen 0";
        while (!CgroupFile.Read(Path, unified, "cgroup.events").Split('\n').Contains(expected))
        {
            CheckTimeout(stopwatch, timeout, frozen, unified, "cgroup.events");
            Thread.Sleep(PollInterval);
        }
    }

    private void CheckTimeout(Stopwatch stopwatch, TimeSpan timeout, bool frozen, string directory, string file)
    {
        if (stopwatch.Elapsed < timeout)
        {
            return;
        }

        if (frozen)
        {
            // Do not leave the cgroup half frozen.
            SetFrozen(frozen: false, DefaultFreezeTimeout);
        }

        throw new UnavailableException(
            $"cgroup \"{Path}\" did not {(frozen ? "freeze" : "thaw")} within {timeout.TotalSeconds:0.###} s ({System.IO.Path.Join(directory, file)}); "
            + "a process may be stuck in an uninterruptible sleep; try again later");
    }
}
