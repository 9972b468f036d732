using Containers.Runtime.Spec;

namespace Containers.Runtime.Builtin;

/// <summary>
/// The device cgroup rules a container gets on top of its spec's, as runc adds them: mknod of
/// any node, the default devices, ptys and tun, and every device the spec lists.
/// </summary>
internal static class DeviceRules
{
    private static readonly OciDeviceCgroup[] Defaults =
    [
        Allow("c", null, null, "m"),
        Allow("b", null, null, "m"),
        Allow("c", 1, 3, "rwm"),
        Allow("c", 1, 8, "rwm"),
        Allow("c", 1, 7, "rwm"),
        Allow("c", 5, 0, "rwm"),
        Allow("c", 1, 5, "rwm"),
        Allow("c", 1, 9, "rwm"),
        Allow("c", 5, 1, "rwm"),
        Allow("c", 136, null, "rwm"),
        Allow("c", 5, 2, "rwm"),
        Allow("c", 10, 200, "rwm"),
    ];

    /// <summary>The spec's resources with the default rules and its own devices appended.</summary>
    public static OciResources? WithDefaults(OciSpec spec)
    {
        var resources = spec.Linux?.Resources;
        var own = (spec.Linux?.Devices ?? []).Where(d => d.Type is "c" or "b").Select(d => Allow(d.Type, d.Major, d.Minor, "rwm"));
        var rules = (resources?.Devices ?? []).Concat(Defaults).Concat(own).ToArray();
        return (resources ?? new OciResources()) with { Devices = rules };
    }

    private static OciDeviceCgroup Allow(string type, long? major, long? minor, string access) =>
        new() { Allow = true, Type = type, Major = major, Minor = minor, Access = access };
}
