using Containers.Errors;

namespace Containers.Cgroups;

/// <summary>
/// A device access rule for the v1 <c>devices</c> controller, such as <c>c 1:3 rwm</c>. A
/// <see langword="null"/> major or minor matches any (<c>*</c>).
/// </summary>
/// <param name="Allow">Whether the rule allows (<c>devices.allow</c>) or denies (<c>devices.deny</c>).</param>
/// <param name="Type">The kind of device.</param>
/// <param name="Major">The major number, or <see langword="null"/> for any.</param>
/// <param name="Minor">The minor number, or <see langword="null"/> for any.</param>
/// <param name="Access">Some of <c>r</c> (read), <c>w</c> (write) and <c>m</c> (mknod).</param>
public sealed record CgroupDeviceRule(bool Allow, CgroupDeviceType Type, long? Major, long? Minor, string Access)
{
    /// <summary>The line for <c>devices.allow</c> or <c>devices.deny</c>: <c>c 1:3 rwm</c>.</summary>
    internal string ToV1Line()
    {
        var type = Type switch
        {
            CgroupDeviceType.All => 'a',
            CgroupDeviceType.Char => 'c',
            CgroupDeviceType.Block => 'b',
            _ => throw new InvalidArgumentException($"device rule type {Type} is unknown; use All, Char or Block"),
        };
        return Type == CgroupDeviceType.All
            ? $"a *:* {Access}"
            : $"{type} {(Major is { } major ? major.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*")}:{(Minor is { } minor ? minor.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*")} {Access}";
    }

    internal void Validate(string field)
    {
        if (!Enum.IsDefined(Type))
        {
            throw ResourceCheck.Invalid(field + ".type", Type, "use All, Char or Block");
        }

        if (Major is { } major)
        {
            ResourceCheck.DeviceNumber(field + ".major", major, CgroupConversions.MaxMajor);
        }

        if (Minor is { } minor)
        {
            ResourceCheck.DeviceNumber(field + ".minor", minor, CgroupConversions.MaxMinor);
        }

        if (string.IsNullOrEmpty(Access) || Access.Length > 3 || Access.Any(c => c is not ('r' or 'w' or 'm')) || Access.Distinct().Count() != Access.Length)
        {
            throw ResourceCheck.Invalid(field + ".access", Access ?? "null", "give some of \"r\", \"w\" and \"m\", each at most once, such as \"rwm\"");
        }
    }
}
