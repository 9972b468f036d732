using Containers.Errors;

namespace Containers.Cgroups.Devices;

/// <summary>Device accesses as the kernel's BPF device context numbers them (BPF_DEVCG_ACC_*).</summary>
internal static class DeviceAccess
{
    public const int Mknod = 1;
    public const int Read = 2;
    public const int Write = 4;
    public const int All = Mknod | Read | Write;

    /// <summary>Turns <c>rwm</c> (any order, any subset) into a mask.</summary>
    public static int Parse(string access)
    {
        var mask = 0;
        foreach (var c in access)
        {
            mask |= c switch
            {
                'r' => Read,
                'w' => Write,
                'm' => Mknod,
                _ => throw new InvalidArgumentException($"device access \"{access}\" has '{c}'; use some of r, w and m"),
            };
        }

        return mask;
    }
}
