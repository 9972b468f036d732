using System.Globalization;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Images.Testing;

/// <summary>
/// Looks at files as a running container's processes see them, through <c>/proc/&lt;pid&gt;/root</c>:
/// its rootfs with every mount the container has (binds, tmpfs) on it. Lookups go through
/// openat2 with RESOLVE_IN_ROOT, so a symlink the container made resolves inside it.
/// </summary>
internal static class ContainerFiles
{
    /// <summary>Whether <paramref name="path"/> exists in the container whose main process is <paramref name="pid"/>; false once that process is gone.</summary>
    /// <exception cref="InvalidArgumentException">The path cannot be looked up for another reason than its absence.</exception>
    public static bool Exists(int pid, string path)
    {
        var root = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/root";
        if (PosixFs.TryOpenAt(null, root, LibC.O_PATH | LibC.O_DIRECTORY, out var rootHandle) != 0)
        {
            // The process has exited (ENOENT, ESRCH): nothing exists in it any more.
            return false;
        }

        using (rootHandle)
        {
            var errno = PosixFs.TryOpenInRoot(rootHandle!, path, LibC.O_PATH, out var handle);
            handle?.Dispose();
            return errno switch
            {
                0 => true,
                Errno.ENOENT or Errno.ENOTDIR or Errno.ESRCH => false,
                _ => throw new InvalidArgumentException($"{path} in the container of process {pid} cannot be looked up (errno {errno}); give an absolute path the container can reach"),
            };
        }
    }
}
