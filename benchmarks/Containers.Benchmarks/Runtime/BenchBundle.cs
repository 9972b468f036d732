using Containers.Runtime.Spec;

namespace Containers.Benchmarks.Runtime;

/// <summary>
/// The start-latency bundle: busybox-static as the rootfs, <c>/bin/true</c> as the program, new
/// pid, mount, uts and ipc namespaces and a new cgroup; otherwise <c>runc spec</c>'s defaults.
/// Every runtime runs this same directory.
/// </summary>
internal sealed class BenchBundle : IDisposable
{
    private BenchBundle(string path) => Path = path;

    public string Path { get; }

    public static BenchBundle Create(string cgroupParent)
    {
        var busybox = File.Exists("/bin/busybox") ? "/bin/busybox" : "/usr/bin/busybox";
        if (!File.Exists(busybox))
        {
            throw new InvalidOperationException("the runtime suites run busybox-static; apt-get install busybox-static");
        }

        var dir = Directory.CreateTempSubdirectory("bench-bundle-").FullName;
        var rootfs = System.IO.Path.Combine(dir, "rootfs");
        foreach (var sub in new[] { "bin", "proc", "sys", "dev", "tmp" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(rootfs, sub));
        }

        File.Copy(busybox, System.IO.Path.Combine(rootfs, "bin", "busybox"));
        File.CreateSymbolicLink(System.IO.Path.Combine(rootfs, "bin", "true"), "busybox");
        var spec = OciSpecDefaults.Create();
        spec = spec with
        {
            Process = spec.Process! with { Terminal = false, Args = ["/bin/true"] },
            Linux = spec.Linux! with
            {
                Namespaces = spec.Linux.Namespaces!.Where(n => n.Type is "pid" or "mount" or "uts" or "ipc").ToArray(),
                CgroupsPath = cgroupParent + "/bench",
            },
        };
        OciSpecs.Save(spec, dir);
        return new BenchBundle(dir);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
