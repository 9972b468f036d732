using System.Runtime.InteropServices;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Shim;

/// <summary>
/// The shim executable, run so that a container which reaches the shim's <c>/proc/pid/exe</c>
/// cannot rewrite the host's file (CVE-2019-5736): from a detached, read-only bind mount of it
/// (open_tree and mount_setattr, as runc 1.2 does; nothing appears in the mount table), or,
/// where that is refused, from a sealed memfd copy. Either is made once per process.
/// </summary>
internal static unsafe class ShimBinary
{
    /// <summary>Names an explicit shim file, for development and for hosts that place it elsewhere.</summary>
    public const string PathVariable = "CONTAINERS_SHIM";

    public const string FileName = "containers-shim";

    private static readonly Lazy<int> SealedFd = new(LoadSealed, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The path to exec: <c>/proc/self/fd/N</c> of the sealed copy.</summary>
    public static string ExecPath => $"/proc/self/fd/{SealedFd.Value}";

    /// <summary>Where the shim file is: beside the app, or where NuGet put the native asset.</summary>
    public static string Locate()
    {
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath)
                ? explicitPath
                : throw new NotFoundException($"the shim named by {PathVariable} does not exist: \"{explicitPath}\"; unset it or point it at a built containers-shim");
        }

        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, FileName),
            Path.Combine(AppContext.BaseDirectory, "runtimes", $"linux-{arch}", "native", FileName),
        ];
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new NotFoundException(
            $"the container shim \"{FileName}\" is not beside the application ({AppContext.BaseDirectory}) nor under runtimes/linux-{arch}/native; " +
            $"build Containers.Core (it compiles the shim with gcc) or set {PathVariable}");
    }

    private static int LoadSealed()
    {
        var path = Locate();

        // A NuGet package does not keep the execute bit, so a restored shim may lack it; the memfd copy does not need it.
        var executable = (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
        return executable && TryReadOnlyMount(path) is var mounted and >= 0 ? mounted : CopyToSealedMemfd(path);
    }

    /// <summary>A private read-only bind mount of the one file, held only by the returned fd; -1 when the kernel or our privileges say no.</summary>
    internal static int TryReadOnlyMount(string path)
    {
        var fd = LibC.OpenTree(LibC.SYS_open_tree, -100, path, LibC.OPEN_TREE_CLONE | LibC.O_CLOEXEC);
        if (fd < 0)
        {
            return -1;
        }

        var attr = new LibC.MountAttr { AttrSet = LibC.MOUNT_ATTR_RDONLY };
        if (LibC.MountSetattr(LibC.SYS_mount_setattr, fd, string.Empty, (uint)LibC.AT_EMPTY_PATH, &attr, (nuint)sizeof(LibC.MountAttr)) != 0)
        {
            LibC.Close(fd);
            return -1;
        }

        return fd;
    }

    internal static int CopyToSealedMemfd(string path)
    {
        var fd = LibC.MemfdCreate(FileName, LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING);
        if (fd < 0)
        {
            throw Errno.ToException("memfd_create", FileName);
        }

        // The kernel copies file to memfd without passing the bytes through this process.
        using (var source = File.OpenHandle(path))
        {
            var length = RandomAccess.GetLength(source);
            long offset = 0;
            while (offset < length)
            {
                var n = LibC.SendFile(fd, (int)source.DangerousGetHandle(), &offset, (nuint)(length - offset));
                if (n <= 0)
                {
                    var errno = n == 0 ? Errno.EIO : Errno.Last;
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    LibC.Close(fd);
                    throw Errno.ToException(errno, "copy into", $"the shim's memfd from {path}");
                }
            }
        }

        if (LibC.Fcntl(fd, LibC.F_ADD_SEALS, LibC.F_SEAL_SEAL | LibC.F_SEAL_SHRINK | LibC.F_SEAL_GROW | LibC.F_SEAL_WRITE) < 0)
        {
            var errno = Errno.Last;
            LibC.Close(fd);
            throw Errno.ToException(errno, "seal", "the shim's memfd");
        }

        return fd;
    }
}
