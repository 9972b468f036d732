namespace Containers.Cgroups;

/// <summary>Block I/O weight and per-device throttles. A <see langword="null"/> member leaves that setting as it is.</summary>
public sealed record CgroupIoLimits
{
    /// <summary>Relative weight in the v1 scale, 10–1000 (v1 <c>blkio.weight</c>; converted for v2 <c>io.weight</c>).</summary>
    public ushort? Weight { get; init; }

    /// <summary>Read bytes per second per device.</summary>
    public IReadOnlyList<CgroupThrottle>? ReadBps { get; init; }

    /// <summary>Write bytes per second per device.</summary>
    public IReadOnlyList<CgroupThrottle>? WriteBps { get; init; }

    /// <summary>Read operations per second per device.</summary>
    public IReadOnlyList<CgroupThrottle>? ReadIops { get; init; }

    /// <summary>Write operations per second per device.</summary>
    public IReadOnlyList<CgroupThrottle>? WriteIops { get; init; }

    internal bool HasThrottles => ReadBps is { Count: > 0 } || WriteBps is { Count: > 0 } || ReadIops is { Count: > 0 } || WriteIops is { Count: > 0 };

    internal void Validate()
    {
        if (Weight is { } weight && weight is < 10 or > 1000)
        {
            throw ResourceCheck.Invalid("io.weight", weight, "give a blkio weight of 10 to 1000");
        }

        Validate("io.readBps", ReadBps);
        Validate("io.writeBps", WriteBps);
        Validate("io.readIops", ReadIops);
        Validate("io.writeIops", WriteIops);
    }

    private static void Validate(string field, IReadOnlyList<CgroupThrottle>? throttles)
    {
        if (throttles is null)
        {
            return;
        }

        for (var i = 0; i < throttles.Count; i++)
        {
            var throttle = throttles[i] ?? throw ResourceCheck.Invalid($"{field}[{i}]", "null", "remove the null entry");
            throttle.Validate($"{field}[{i}]");
        }
    }
}
