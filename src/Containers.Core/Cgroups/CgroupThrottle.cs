namespace Containers.Cgroups;

/// <summary>A rate limit on one block device, in bytes or operations per second; a rate of 0 removes the limit.</summary>
/// <param name="Major">The device's major number, 0–4095.</param>
/// <param name="Minor">The device's minor number, 0–1048575.</param>
/// <param name="Rate">Bytes or I/O operations per second.</param>
public sealed record CgroupThrottle(long Major, long Minor, ulong Rate)
{
    internal void Validate(string field)
    {
        ResourceCheck.DeviceNumber(field + ".major", Major, CgroupConversions.MaxMajor);
        ResourceCheck.DeviceNumber(field + ".minor", Minor, CgroupConversions.MaxMinor);
    }
}
