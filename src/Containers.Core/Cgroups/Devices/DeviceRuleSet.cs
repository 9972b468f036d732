namespace Containers.Cgroups.Devices;

/// <summary>
/// Device rules reduced to what a filter needs: a default (allow or deny every device) and the
/// exceptions to it, each with the accesses it grants or refuses. The rules are applied in order
/// as the v1 devices controller applies writes to <c>devices.allow</c> and <c>devices.deny</c>:
/// an <c>a *:* rwm</c> rule resets the default and forgets the exceptions, a rule that agrees
/// with the default takes its accesses back from matching exceptions, and any other rule adds
/// an exception. A new cgroup starts at allow-all, as its v1 parent does.
/// </summary>
internal sealed class DeviceRuleSet
{
    private readonly List<DeviceException> exceptions = [];

    private DeviceRuleSet()
    {
    }

    /// <summary>Whether a device no exception names is allowed.</summary>
    public bool DefaultAllow { get; private set; } = true;

    /// <summary>The exceptions, in the order they were made; each one refuses what the default allows, or the reverse.</summary>
    public IReadOnlyList<DeviceException> Exceptions => exceptions;

    public static DeviceRuleSet From(IEnumerable<CgroupDeviceRule> rules)
    {
        var set = new DeviceRuleSet();
        foreach (var rule in rules)
        {
            set.Apply(rule);
        }

        return set;
    }

    private void Apply(CgroupDeviceRule rule)
    {
        var access = DeviceAccess.Parse(rule.Access);
        if (rule.Type == CgroupDeviceType.All && rule.Major is null && rule.Minor is null && access == DeviceAccess.All)
        {
            DefaultAllow = rule.Allow;
            exceptions.Clear();
            return;
        }

        if (rule.Allow == DefaultAllow)
        {
            // Agreeing with the default takes these accesses back from the exceptions it covers.
            for (var i = exceptions.Count - 1; i >= 0; i--)
            {
                var e = exceptions[i];
                if (Covers(rule, e))
                {
                    var left = e.Access & ~access;
                    if (left == 0)
                    {
                        exceptions.RemoveAt(i);
                    }
                    else
                    {
                        exceptions[i] = e with { Access = left };
                    }
                }
            }

            return;
        }

        var index = exceptions.FindIndex(e => e.Type == rule.Type && e.Major == rule.Major && e.Minor == rule.Minor);
        if (index >= 0)
        {
            exceptions[index] = exceptions[index] with { Access = exceptions[index].Access | access };
        }
        else
        {
            exceptions.Add(new DeviceException(rule.Type, rule.Major, rule.Minor, access));
        }
    }

    /// <summary>Whether <paramref name="rule"/> names every device <paramref name="exception"/> names.</summary>
    private static bool Covers(CgroupDeviceRule rule, DeviceException exception) =>
        (rule.Type == CgroupDeviceType.All || rule.Type == exception.Type)
        && (rule.Major is null || rule.Major == exception.Major)
        && (rule.Minor is null || rule.Minor == exception.Minor);
}
