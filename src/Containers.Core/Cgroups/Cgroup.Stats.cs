namespace Containers.Cgroups;

public sealed partial class Cgroup
{
    private readonly Lock _statsLock = new();

    /// <summary>Reads the cgroup's counters. The stat files stay open for the next read until <see cref="Dispose"/>.</summary>
    public CgroupStats ReadStats()
    {
        var stats = default(CgroupStats);
        ReadStats(ref stats);
        return stats;
    }

    /// <summary>Reads the cgroup's counters into <paramref name="stats"/>, allocating nothing after the first call.</summary>
    public void ReadStats(ref CgroupStats stats)
    {
        lock (_statsLock)
        {
            _stats ??= CgroupStatsReader.For(this);
            _stats.Read(ref stats);
        }
    }
}
