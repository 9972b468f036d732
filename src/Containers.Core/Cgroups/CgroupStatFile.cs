namespace Containers.Cgroups;

/// <summary>The stat files a <see cref="CgroupStatsReader"/> knows how to parse.</summary>
internal enum CgroupStatFile
{
    V1MemoryUsage,
    V1MemoryLimit,
    V1MemoryMaxUsage,
    V1MemoryFailCount,
    V1MemoryStat,
    V1MemoryOomControl,
    V1CpuacctUsage,
    V1CpuacctStat,
    V1CpuStat,
    V1BlkioBytes,
    V1BlkioOperations,
    PidsCurrent,
    PidsMax,
    V2MemoryCurrent,
    V2MemoryMax,
    V2MemoryPeak,
    V2MemoryStat,
    V2MemoryEvents,
    V2CpuStat,
    V2IoStat,
}
