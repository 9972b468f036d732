using Containers.Cgroups;

namespace Containers.Core.Tests.Cgroups;

/// <summary>The limits bite: real processes hit them, and the stats say so.</summary>
public sealed class CgroupEnforcementTests : CgroupTest
{
    [Test]
    public async Task MemoryLimit_ProcessThatGrowsWithoutBound_IsOomKilledAndCounted()
    {
        var limit = 32L << 20;
        var cgroup = CreateCgroup(new CgroupResources { Memory = new() { Limit = limit, Swap = SwapAccounting() ? limit : null } });

        // tail keeps the last "line" of /dev/zero, which never ends: it grows until killed.
        var process = StartIn(cgroup, "exec tail /dev/zero");

        Assert.That(await ExitsWithin(process, TimeSpan.FromSeconds(30)), Is.True, "the memory hog was not stopped");
        Assert.That(process.ExitCode, Is.EqualTo(137), "killed by SIGKILL");
        var stats = cgroup.ReadStats();
        Assert.That(stats.Memory.OomKills, Is.GreaterThanOrEqualTo(1UL));
        Assert.That(stats.Memory.Limit, Is.EqualTo((ulong)limit));
        Assert.That(stats.Memory.MaxUsage, Is.GreaterThan((ulong)limit / 2).And.LessThanOrEqualTo((ulong)limit));
    }

    [Test]
    public async Task PidsMax_ForksBeyondTheLimitFail()
    {
        var cgroup = CreateCgroup(new CgroupResources { PidsMax = 5 });
        var pids = Layout.HierarchyOf("pids")!;
        var directory = cgroup.Directories.Single(d => d.StartsWith(pids.MountPoint + "/", StringComparison.Ordinal));

        var failures = 0;
        var process = StartIn(cgroup, "for i in $(seq 50); do sleep 5 & done; wait");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Interlocked.Increment(ref failures);
            }
        };
        await Task.Delay(1000);

        var stats = cgroup.ReadStats();
        Assert.That(stats.Pids.Current, Is.LessThanOrEqualTo(5UL).And.GreaterThan(0UL));
        Assert.That(stats.Pids.Limit, Is.EqualTo(5UL));
        var events = ReadFile(directory, "pids.events");
        Assert.That(events, Does.Match(@"max [1-9]"), "the kernel counted refused forks");
        Assert.That(cgroup.GetPids(), Has.Count.LessThanOrEqualTo(5));
    }

    [Test]
    public async Task CpuQuota_BusyLoopIsThrottledAndTheStatsShowIt()
    {
        var cgroup = CreateCgroup(new CgroupResources { Cpu = new() { Quota = 10000, Period = 100000 } });
        var before = cgroup.ReadStats().Cpu;

        StartIn(cgroup, "while :; do :; done");
        await Task.Delay(1000);
        var after = cgroup.ReadStats().Cpu;

        Assert.That(after.Periods, Is.GreaterThan(before.Periods));
        Assert.That(after.ThrottledPeriods, Is.GreaterThan(0UL));
        Assert.That(after.ThrottledNanoseconds, Is.GreaterThan(0UL));
        // 10% of one CPU for about a second: well under half a second of CPU time.
        Assert.That(after.UsageNanoseconds, Is.GreaterThan(10_000_000UL).And.LessThan(400_000_000UL));
        Assert.That(after.UserNanoseconds + after.SystemNanoseconds, Is.GreaterThan(0UL));
    }

    private bool SwapAccounting() =>
        Layout.FindV1("memory") is { } memory && File.Exists(Path.Join(memory.DirectoryOf(memory.OwnPath), "memory.memsw.limit_in_bytes"));
}
