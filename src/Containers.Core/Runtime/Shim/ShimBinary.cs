using System.Runtime.InteropServices;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Shim;

/// <summary>
/// The shim executable, copied once into a sealed memfd and run from there. A container that
/// reaches the shim's <c>/proc/pid/exe</c> finds a sealed, anonymous copy: it cannot rewrite
/// the host's file (CVE-2019-5736), and the copy is small, so this costs microseconds, once.
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
        var bytes = File.ReadAllBytes(Locate());
        var fd = LibC.MemfdCreate(FileName, LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING);
        if (fd < 0)
        {
            throw Errno.ToException("memfd_create", FileName);
        }

        fixed (byte* data = bytes)
        {
            var written = 0;
            while (written < bytes.Length)
            {
                var n = LibC.Write(fd, data + written, (nuint)(bytes.Length - written));
                if (n < 0)
                {
                    var errno = Errno.Last;
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    LibC.Close(fd);
                    throw Errno.ToException(errno, "write", "the shim's memfd");
                }

                written += (int)n;
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
