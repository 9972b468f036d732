using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime;

/// <summary>
/// A bundle with a busybox-static rootfs, made fresh for a test and removed after it. Its spec is
/// <c>runc spec</c>'s default with no terminal and no network namespace unless asked.
/// </summary>
public sealed class TestBundle : IDisposable
{
    public const string Busybox = "/bin/busybox";

    private static readonly string[] Applets =
    [
        "sh", "true", "false", "cat", "echo", "ls", "ps", "hostname", "id", "sleep", "mount", "grep", "head",
        "dd", "wc", "kill", "stat", "touch", "mkdir", "readlink", "env", "pwd", "tail", "yes", "seq", "tr", "cut", "umask", "ln", "chmod",
    ];

    private TestBundle(string path) => Path = path;

    public string Path { get; }

    public string Rootfs => System.IO.Path.Combine(Path, "rootfs");

    /// <summary>Whether the host has busybox-static, which every runtime test needs.</summary>
    public static bool Available => File.Exists(Busybox) || File.Exists("/usr/bin/busybox");

    public static TestBundle Create(Func<OciSpec, OciSpec>? configure = null, params string[] args)
    {
        if (!Available)
        {
            Assert.Ignore("needs busybox-static (apt-get install busybox-static)");
        }

        var dir = Directory.CreateTempSubdirectory("bundle-").FullName;
        var bin = System.IO.Path.Combine(dir, "rootfs", "bin");
        Directory.CreateDirectory(bin);
        foreach (var sub in new[] { "proc", "sys", "dev", "tmp", "etc" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(dir, "rootfs", sub));
        }

        File.Copy(File.Exists(Busybox) ? Busybox : "/usr/bin/busybox", System.IO.Path.Combine(bin, "busybox"));
        foreach (var applet in Applets)
        {
            File.CreateSymbolicLink(System.IO.Path.Combine(bin, applet), "busybox");
        }

        var spec = Default(args.Length == 0 ? ["true"] : args);
        OciSpecs.Save(configure is null ? spec : configure(spec), dir);
        return new TestBundle(dir);
    }

    /// <summary><c>runc spec</c>'s defaults, with no terminal, no network namespace and the given args.</summary>
    public static OciSpec Default(IReadOnlyList<string> args)
    {
        var spec = OciSpecDefaults.Create();
        return spec with
        {
            Process = spec.Process! with { Terminal = false, Args = args },
            Linux = spec.Linux! with { Namespaces = spec.Linux.Namespaces!.Where(n => n.Type != "network").ToArray() },
        };
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
