namespace Containers.Cgroups;

/// <summary>
/// Memory limits in bytes, with OCI semantics: <see cref="Swap"/> is memory plus swap, and -1 means
/// unlimited. A <see langword="null"/> member leaves that setting as it is.
/// </summary>
public sealed record CgroupMemoryLimits
{
    /// <summary>The hard limit (v1 <c>memory.limit_in_bytes</c>, v2 <c>memory.max</c>); -1 for none.</summary>
    public long? Limit { get; init; }

    /// <summary>The soft limit (v1 <c>memory.soft_limit_in_bytes</c>, v2 <c>memory.low</c>); -1 for none.</summary>
    public long? Reservation { get; init; }

    /// <summary>
    /// Memory plus swap (v1 <c>memory.memsw.limit_in_bytes</c>; v2 <c>memory.swap.max</c> gets
    /// Swap − Limit); -1 for unlimited swap. Needs <see cref="Limit"/> when positive.
    /// </summary>
    public long? Swap { get; init; }

    /// <summary>0–100 (v1 <c>memory.swappiness</c>; cgroup v2 has no such knob and ignores it, as runc does).</summary>
    public ulong? Swappiness { get; init; }

    /// <summary>Disables the OOM killer (v1 <c>memory.oom_control</c>; cgroup v2 has no such knob and ignores it, as runc does).</summary>
    public bool? DisableOomKiller { get; init; }

    internal void Validate()
    {
        ResourceCheck.MinusOneOrPositive("memory.limit", Limit, "give a byte count, or -1 for no limit");
        ResourceCheck.MinusOneOrAtLeast("memory.reservation", Reservation, 0, "give a byte count, or -1 for no reservation");
        ResourceCheck.MinusOneOrPositive("memory.swap", Swap, "give memory plus swap in bytes, or -1 for unlimited swap");
        if (Swappiness is > 100)
        {
            throw ResourceCheck.Invalid("memory.swappiness", Swappiness, "give 0 to 100");
        }

        if (Swap is > 0)
        {
            if (Limit is null or -1)
            {
                throw ResourceCheck.Invalid("memory.swap", Swap, "a swap limit is memory plus swap, so set memory.limit as well, or give -1 for unlimited swap");
            }

            if (Swap < Limit)
            {
                throw ResourceCheck.Invalid("memory.swap", Swap, $"memory.swap is memory plus swap and must be at least memory.limit ({Limit})");
            }
        }
    }
}
