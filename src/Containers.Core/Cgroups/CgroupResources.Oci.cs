using Containers.Runtime.Spec;

namespace Containers.Cgroups;

public sealed partial record CgroupResources
{
    /// <summary>
    /// The resources of an OCI spec's <c>linux.resources</c>. Values that the spec uses to mean
    /// "not set" (a memory limit or CPU quota of 0, an empty cpuset) become <see langword="null"/>;
    /// a pids limit of 0 or less becomes -1 (no limit). <c>unified</c> is not carried over.
    /// </summary>
    /// <returns><see langword="null"/> when <paramref name="oci"/> is.</returns>
    public static CgroupResources? FromOci(OciResources? oci)
    {
        if (oci is null)
        {
            return null;
        }

        return new CgroupResources
        {
            Memory = oci.Memory is { } m
                ? new CgroupMemoryLimits
                {
                    Limit = NonZero(m.Limit),
                    Reservation = NonZero(m.Reservation),
                    Swap = NonZero(m.Swap),
                    Swappiness = m.Swappiness,
                    DisableOomKiller = m.DisableOomKiller,
                }
                : null,
            Cpu = oci.Cpu is { } c
                ? new CgroupCpuLimits
                {
                    Shares = c.Shares is 0 ? null : c.Shares,
                    Quota = NonZero(c.Quota),
                    Period = c.Period is 0 ? null : c.Period,
                    Cpus = string.IsNullOrEmpty(c.Cpus) ? null : c.Cpus,
                    Mems = string.IsNullOrEmpty(c.Mems) ? null : c.Mems,
                }
                : null,
            PidsMax = oci.Pids is { } p ? (p.Limit > 0 ? p.Limit : -1) : null,
            Io = oci.BlockIo is { } b
                ? new CgroupIoLimits
                {
                    Weight = b.Weight is 0 ? null : b.Weight,
                    ReadBps = Throttles(b.ThrottleReadBpsDevice),
                    WriteBps = Throttles(b.ThrottleWriteBpsDevice),
                    ReadIops = Throttles(b.ThrottleReadIopsDevice),
                    WriteIops = Throttles(b.ThrottleWriteIopsDevice),
                }
                : null,
            Devices = oci.Devices?.Select(Device).ToArray(),
        };
    }

    private static long? NonZero(long? value) => value is 0 ? null : value;

    private static CgroupThrottle[]? Throttles(IReadOnlyList<OciThrottleDevice>? devices) =>
        devices?.Select(d => new CgroupThrottle(d.Major, d.Minor, d.Rate)).ToArray();

    private static CgroupDeviceRule Device(OciDeviceCgroup rule) => new(
        rule.Allow,
        rule.Type switch
        {
            null or "" or "a" => CgroupDeviceType.All,
            "c" => CgroupDeviceType.Char,
            "b" => CgroupDeviceType.Block,
            // An unknown type must not widen into "all devices".
            _ => throw ResourceCheck.Invalid("devices.type", rule.Type, "use \"a\", \"c\" or \"b\""),
        },
        rule.Major is null or -1 ? null : rule.Major,
        rule.Minor is null or -1 ? null : rule.Minor,
        string.IsNullOrEmpty(rule.Access) ? "rwm" : rule.Access);
}
