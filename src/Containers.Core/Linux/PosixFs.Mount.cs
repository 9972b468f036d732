namespace Containers.Linux;

internal static partial class PosixFs
{
    /// <summary>mount(2); <paramref name="flags"/> are the <c>LibC.MS_*</c> bits.</summary>
    internal static void Mount(string? source, string target, string? fsType, ulong flags, string? data = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (LibC.Mount(source, target, fsType, flags, data) != 0)
        {
            var errno = Errno.Last;
            throw Errno.ToException(errno, "mount", $"{fsType ?? "(no type)"} \"{source}\" on \"{target}\"");
        }
    }

    /// <summary>umount2(2); <paramref name="flags"/> are <c>LibC.MNT_DETACH</c> and friends.</summary>
    internal static void Unmount(string target, int flags = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        Check(ErrnoOf(LibC.Umount2(target, flags)), "umount2", null, target);
    }
}
