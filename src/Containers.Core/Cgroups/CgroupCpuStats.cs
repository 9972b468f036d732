namespace Containers.Cgroups;

/// <summary>CPU time in nanoseconds and CFS bandwidth counters.</summary>
/// <param name="UsageNanoseconds">Total CPU time (v1 <c>cpuacct.usage</c>, v2 <c>usage_usec</c> × 1000).</param>
/// <param name="UserNanoseconds">User time (v1 <c>cpuacct.stat</c> user ticks at USER_HZ = 100, v2 <c>user_usec</c> × 1000).</param>
/// <param name="SystemNanoseconds">System time, as <paramref name="UserNanoseconds"/>.</param>
/// <param name="Periods">Enforcement periods that have elapsed (<c>nr_periods</c>).</param>
/// <param name="ThrottledPeriods">Periods in which the cgroup was throttled (<c>nr_throttled</c>).</param>
/// <param name="ThrottledNanoseconds">Time throttled (v1 <c>throttled_time</c>, v2 <c>throttled_usec</c> × 1000).</param>
public readonly record struct CgroupCpuStats(ulong UsageNanoseconds, ulong UserNanoseconds, ulong SystemNanoseconds, ulong Periods, ulong ThrottledPeriods, ulong ThrottledNanoseconds);
