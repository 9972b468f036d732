using Containers.Cgroups;
using Containers.Errors;

namespace Containers.Core.Tests.Cgroups;

/// <summary>Stats read from real cgroups on this host.</summary>
public sealed class CgroupStatsTests : CgroupTest
{
    [Test]
    public void ReadStats_RealCgroupWithAProcess_ReportsItsMemoryCpuAndPids()
    {
        var cgroup = CreateCgroup(new CgroupResources { PidsMax = 50 });
        StartIn(cgroup, "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec sleep 60");
        Thread.Sleep(500);

        var stats = cgroup.ReadStats();

        if (Layout.HierarchyOf("memory") is not null)
        {
            Assert.That(stats.Memory.Usage, Is.GreaterThan(0UL));
        }

        if (Layout.HierarchyOf("cpuacct") is not null || Layout.HierarchyOf("cpu")?.IsUnified == true)
        {
            Assert.That(stats.Cpu.UsageNanoseconds, Is.GreaterThan(1_000_000UL));
        }

        Assert.That(stats.Pids.Current, Is.EqualTo(1UL));
        Assert.That(stats.Pids.Limit, Is.EqualTo(50UL));
    }

    [Test]
    public void ReadStats_AfterWarmup_AllocatesNothing()
    {
        var cgroup = CreateCgroup(new CgroupResources { PidsMax = 50 });
        StartIn(cgroup, "exec sleep 60");
        var stats = default(CgroupStats);
        for (var i = 0; i < 10; i++)
        {
            cgroup.ReadStats(ref stats);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            cgroup.ReadStats(ref stats);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.EqualTo(0), $"{allocated} bytes over 1000 reads");
        Assert.That(stats.Pids.Current, Is.EqualTo(1UL));
    }

    [Test]
    public async Task ReadStats_CgroupDeleted_IsNotFound()
    {
        var cgroup = CreateCgroup(new CgroupResources { PidsMax = 50 });
        _ = cgroup.ReadStats();

        await cgroup.DeleteAsync(TimeSpan.FromSeconds(5));

        // The reader keeps its files open, and a removed cgroup's open files answer ENODEV: that too is "not found".
        Assert.That(() => cgroup.ReadStats(), Throws.InstanceOf<NotFoundException>().With.Message.Contain(TestPath.Value));
    }
}
