namespace Containers.Cgroups.Devices;

/// <summary>One exception to a device filter's default: a class of devices and the accesses it concerns.</summary>
/// <param name="Type">Char, block, or all.</param>
/// <param name="Major">The major number; null for any.</param>
/// <param name="Minor">The minor number; null for any.</param>
/// <param name="Access">A <see cref="DeviceAccess"/> mask.</param>
internal sealed record DeviceException(CgroupDeviceType Type, long? Major, long? Minor, int Access);
