namespace Containers.Cgroups;

/// <summary>Task counts (<c>pids.current</c>, <c>pids.max</c>); a limit of <see cref="ulong.MaxValue"/> means <c>max</c>.</summary>
public readonly record struct CgroupPidsStats(ulong Current, ulong Limit);
