namespace Containers.Cgroups;

/// <summary>
/// CPU limits. <see cref="Shares"/> (v1) and <see cref="Weight"/> (v2) are the same knob in two
/// scales; either is converted for the other version when only one is set. A
/// <see langword="null"/> member leaves that setting as it is.
/// </summary>
public sealed record CgroupCpuLimits
{
    /// <summary>Relative CPU share, 2–262144 (v1 <c>cpu.shares</c>; the default is 1024).</summary>
    public ulong? Shares { get; init; }

    /// <summary>Relative CPU weight, 1–10000 (v2 <c>cpu.weight</c>; the default is 100).</summary>
    public ulong? Weight { get; init; }

    /// <summary>CFS quota in µs per <see cref="Period"/>; -1 for none (v1 <c>cpu.cfs_quota_us</c>, v2 first field of <c>cpu.max</c>).</summary>
    public long? Quota { get; init; }

    /// <summary>CFS period in µs, 1000–1000000 (v1 <c>cpu.cfs_period_us</c>, v2 second field of <c>cpu.max</c>).</summary>
    public ulong? Period { get; init; }

    /// <summary>The CPUs allowed, as a list such as <c>0-3,6</c> (<c>cpuset.cpus</c>).</summary>
    public string? Cpus { get; init; }

    /// <summary>The memory nodes allowed, as a list such as <c>0</c> (<c>cpuset.mems</c>).</summary>
    public string? Mems { get; init; }

    internal void Validate()
    {
        if (Shares is { } shares && shares is < CgroupConversions.MinShares or > CgroupConversions.MaxShares)
        {
            throw ResourceCheck.Invalid("cpu.shares", shares, $"give {CgroupConversions.MinShares} to {CgroupConversions.MaxShares} (1024 is the default)");
        }

        if (Weight is { } weight && weight is < 1 or > 10000)
        {
            throw ResourceCheck.Invalid("cpu.weight", weight, "give 1 to 10000 (100 is the default)");
        }

        if (Quota is { } quota && quota != -1 && quota < 1000)
        {
            throw ResourceCheck.Invalid("cpu.quota", quota, "give at least 1000 µs, or -1 for no quota");
        }

        if (Period is { } period && period is < 1000 or > 1000000)
        {
            throw ResourceCheck.Invalid("cpu.period", period, "give 1000 to 1000000 µs (100000 is the default)");
        }

        ResourceCheck.CpuList("cpu.cpus", Cpus);
        ResourceCheck.CpuList("cpu.mems", Mems);
    }
}
