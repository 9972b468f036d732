using Containers.Cgroups;

namespace Containers.Images.Engine;

/// <summary>
/// One sample of a container's resource use, as <c>docker stats</c> reads it from the cgroup. A
/// container that is not running reads as zeros, as Docker's does. CPU use is cumulative: a
/// percentage needs two samples (<see cref="CpuPercent"/>).
/// </summary>
public sealed record ContainerStats
{
    /// <summary>The 64-hex id.</summary>
    public required string Id { get; init; }

    /// <summary>When the sample was taken.</summary>
    public required DateTimeOffset Read { get; init; }

    /// <summary>CPU time used by all of its processes since it started, in nanoseconds.</summary>
    public ulong CpuNanoseconds { get; init; }

    public ulong CpuUserNanoseconds { get; init; }

    public ulong CpuSystemNanoseconds { get; init; }

    /// <summary>Time its CPU quota held it back, in nanoseconds.</summary>
    public ulong CpuThrottledNanoseconds { get; init; }

    /// <summary>Memory charged to it, page cache included.</summary>
    public ulong MemoryUsageBytes { get; init; }

    /// <summary>The page cache part of <see cref="MemoryUsageBytes"/>.</summary>
    public ulong MemoryCacheBytes { get; init; }

    /// <summary>Its memory limit; null when it has none.</summary>
    public ulong? MemoryLimitBytes { get; init; }

    /// <summary>Processes the OOM killer killed in it.</summary>
    public ulong OomKills { get; init; }

    /// <summary>How many processes it has.</summary>
    public ulong Pids { get; init; }

    /// <summary>The most processes it may have; null when unlimited.</summary>
    public ulong? PidsLimit { get; init; }

    public ulong BlockReadBytes { get; init; }

    public ulong BlockWriteBytes { get; init; }

    /// <summary>The memory <c>docker stats</c> shows: usage without the page cache.</summary>
    public ulong MemoryWorkingSetBytes => MemoryUsageBytes - Math.Min(MemoryCacheBytes, MemoryUsageBytes);

    /// <summary><see cref="MemoryWorkingSetBytes"/> as a percentage of the limit; null without one.</summary>
    public double? MemoryPercent => MemoryLimitBytes is { } limit and > 0 ? 100.0 * MemoryWorkingSetBytes / limit : null;

    /// <summary>
    /// The CPU use between two samples as <c>docker stats</c> shows it: 100 % is one CPU busy for the
    /// whole interval, so a container can reach 100 % times the host's CPUs. 0 when no time passed.
    /// </summary>
    public static double CpuPercent(ContainerStats earlier, ContainerStats later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        var elapsed = (later.Read - earlier.Read).TotalNanoseconds;
        var used = later.CpuNanoseconds >= earlier.CpuNanoseconds ? later.CpuNanoseconds - earlier.CpuNanoseconds : 0;
        return elapsed > 0 ? 100.0 * used / elapsed : 0;
    }

    internal static ContainerStats From(string id, DateTimeOffset read, in CgroupStats stats) => new()
    {
        Id = id,
        Read = read,
        CpuNanoseconds = stats.Cpu.UsageNanoseconds,
        CpuUserNanoseconds = stats.Cpu.UserNanoseconds,
        CpuSystemNanoseconds = stats.Cpu.SystemNanoseconds,
        CpuThrottledNanoseconds = stats.Cpu.ThrottledNanoseconds,
        MemoryUsageBytes = stats.Memory.Usage,
        MemoryCacheBytes = stats.Memory.File,
        MemoryLimitBytes = Limit(stats.Memory.Limit),
        OomKills = stats.Memory.OomKills,
        Pids = stats.Pids.Current,
        PidsLimit = Limit(stats.Pids.Limit),
        BlockReadBytes = stats.Io.ReadBytes,
        BlockWriteBytes = stats.Io.WriteBytes,
    };

    // The reader gives "max" (and v1's page-rounded huge number) as ulong.MaxValue, and 0 when the controller is missing.
    private static ulong? Limit(ulong value) => value is 0 or ulong.MaxValue ? null : value;
}
