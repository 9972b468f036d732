namespace Containers.Cgroups;

/// <summary>Memory use in bytes. A limit of <see cref="ulong.MaxValue"/> means none.</summary>
/// <param name="Usage">Current use (v1 <c>memory.usage_in_bytes</c>, v2 <c>memory.current</c>).</param>
/// <param name="Limit">The hard limit (v1 <c>memory.limit_in_bytes</c>, v2 <c>memory.max</c>).</param>
/// <param name="MaxUsage">The peak use (v1 <c>memory.max_usage_in_bytes</c>, v2 <c>memory.peak</c> where the kernel has it; else 0).</param>
/// <param name="Anon">Anonymous memory (v1 <c>total_rss</c>, v2 <c>anon</c> of memory.stat).</param>
/// <param name="File">Page cache (v1 <c>total_cache</c>, v2 <c>file</c> of memory.stat).</param>
/// <param name="OomEvents">
/// v2: times the OOM killer was invoked for the cgroup (<c>oom</c> of memory.events). v1 has no such
/// counter; this is <c>memory.failcnt</c>, the times usage hit the limit.
/// </param>
/// <param name="OomKills">Processes killed by the OOM killer (<c>oom_kill</c> of v2 memory.events or v1 memory.oom_control).</param>
public readonly record struct CgroupMemoryStats(ulong Usage, ulong Limit, ulong MaxUsage, ulong Anon, ulong File, ulong OomEvents, ulong OomKills);
