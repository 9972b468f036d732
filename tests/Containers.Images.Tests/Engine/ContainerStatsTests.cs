using Containers.Images.Engine;

namespace Containers.Images.Tests.Engine;

public sealed class ContainerStatsTests
{
    [Test]
    public void CpuPercent_IsCpuTimeOverWallTime()
    {
        var start = DateTimeOffset.UnixEpoch;
        var earlier = new ContainerStats { Id = "c", Read = start, CpuNanoseconds = 1_000_000_000 };
        var later = earlier with { Read = start.AddSeconds(2), CpuNanoseconds = 4_000_000_000 };

        Assert.Multiple(() =>
        {
            Assert.That(ContainerStats.CpuPercent(earlier, later), Is.EqualTo(150).Within(1e-9), "3 s of CPU in 2 s is one and a half CPUs");
            Assert.That(ContainerStats.CpuPercent(earlier, earlier), Is.Zero, "no time passed");
        });
    }

    [Test]
    public void MemoryPercent_LeavesThePageCacheOut_AndNeedsALimit()
    {
        var stats = new ContainerStats { Id = "c", Read = DateTimeOffset.UnixEpoch, MemoryUsageBytes = 300, MemoryCacheBytes = 100, MemoryLimitBytes = 400 };

        Assert.Multiple(() =>
        {
            Assert.That(stats.MemoryWorkingSetBytes, Is.EqualTo(200));
            Assert.That(stats.MemoryPercent, Is.EqualTo(50));
            Assert.That((stats with { MemoryLimitBytes = null }).MemoryPercent, Is.Null);
        });
    }
}
