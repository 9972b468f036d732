using Containers.Errors;

namespace Containers.Cgroups;

/// <summary>
/// The limits of a cgroup, typed and immutable. <see langword="null"/> members leave that part of
/// the cgroup as it is, so an update can name only what changes. Call <see cref="Validate"/> (the
/// <see cref="Cgroup"/> methods do) before anything is written.
/// </summary>
public sealed partial record CgroupResources
{
    /// <summary>Memory limits.</summary>
    public CgroupMemoryLimits? Memory { get; init; }

    /// <summary>CPU shares or weight, CFS quota and period, and cpusets.</summary>
    public CgroupCpuLimits? Cpu { get; init; }

    /// <summary>The most tasks the cgroup may hold (<c>pids.max</c>); -1 for no limit.</summary>
    public long? PidsMax { get; init; }

    /// <summary>Block I/O weight and throttles.</summary>
    public CgroupIoLimits? Io { get; init; }

    /// <summary>
    /// Device rules, written in order to the v1 <c>devices</c> controller. cgroup v2 controls
    /// devices with an eBPF program instead, which this library does not build: on a host with no
    /// v1 devices hierarchy, applying rules fails rather than silently allowing every device.
    /// </summary>
    public IReadOnlyList<CgroupDeviceRule>? Devices { get; init; }

    /// <summary>Checks every member; nothing has been written when this throws.</summary>
    /// <exception cref="InvalidArgumentException">A value is out of range or malformed; the message names the field and the value.</exception>
    public void Validate()
    {
        Memory?.Validate();
        Cpu?.Validate();
        if (PidsMax is { } pids && pids != -1 && pids <= 0)
        {
            throw ResourceCheck.Invalid("pids.max", pids, "give a positive task count, or -1 for no limit");
        }

        Io?.Validate();
        if (Devices is not null)
        {
            for (var i = 0; i < Devices.Count; i++)
            {
                var rule = Devices[i] ?? throw ResourceCheck.Invalid($"devices[{i}]", null, "remove the null rule");
                rule.Validate($"devices[{i}]");
            }
        }
    }
}
