namespace Containers.Cgroups;

/// <summary>
/// A snapshot of a cgroup's counters. Parts whose controller is missing stay zero. A value type
/// made of value types, so that <see cref="CgroupStatsReader.Read(ref CgroupStats)"/> fills it
/// without allocating.
/// </summary>
public readonly record struct CgroupStats(CgroupMemoryStats Memory, CgroupCpuStats Cpu, CgroupPidsStats Pids, CgroupIoStats Io);
