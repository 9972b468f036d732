namespace Containers.Runtime.Spec;

/// <summary>
/// The defaults of an OCI runtime: the spec <c>runc spec</c> writes, and the devices and
/// <c>/dev</c> symlinks runc always creates whatever the spec says.
/// </summary>
public static class OciSpecDefaults
{
    private const ulong NoFileLimit = 1024;

    private static readonly string[] DefaultCapabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

    /// <summary>
    /// The device nodes every container gets in <c>/dev</c> (null, zero, full, random, urandom
    /// and tty; character devices, mode 0666, owned by root), unless the spec lists one at the
    /// same path.
    /// </summary>
    public static IReadOnlyList<OciDevice> DefaultDevices { get; } =
    [
        CharDevice("/dev/null", 1, 3),
        CharDevice("/dev/zero", 1, 5),
        CharDevice("/dev/full", 1, 7),
        CharDevice("/dev/random", 1, 8),
        CharDevice("/dev/urandom", 1, 9),
        CharDevice("/dev/tty", 5, 0),
    ];

    /// <summary>
    /// The symlinks every container gets in <c>/dev</c> when the runtime sets <c>/dev</c> up (it is
    /// not bind-mounted from elsewhere): fd, stdin, stdout, stderr, ptmx to the devpts instance,
    /// and core when the host has <c>/proc/kcore</c>.
    /// </summary>
    public static IReadOnlyList<DevSymlink> DefaultDevSymlinks { get; } =
    [
        new("/dev/fd", "/proc/self/fd"),
        new("/dev/stdin", "/proc/self/fd/0"),
        new("/dev/stdout", "/proc/self/fd/1"),
        new("/dev/stderr", "/proc/self/fd/2"),
        new("/dev/ptmx", "pts/ptmx"),
        new("/dev/core", "/proc/kcore") { OnlyIfExists = "/proc/kcore" },
    ];

    /// <summary>
    /// A new default spec, field for field what <c>runc spec</c> (1.1.5) writes except
    /// <c>ociVersion</c>, which is <see cref="OciSpec.Version"/>: <c>sh</c> on a terminal, as root,
    /// with three capabilities, the rootfs at <c>rootfs</c> read-only, the usual pseudo-filesystems,
    /// and new pid, network, ipc, uts and mount namespaces.
    /// </summary>
    public static OciSpec Create() => new()
    {
        Process = new OciProcess
        {
            Terminal = true,
            User = new OciUser { Uid = 0, Gid = 0 },
            Args = ["sh"],
            Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
            Cwd = "/",
            Capabilities = new OciCapabilities
            {
                Bounding = [.. DefaultCapabilities],
                Effective = [.. DefaultCapabilities],
                Permitted = [.. DefaultCapabilities],
                Ambient = [.. DefaultCapabilities],
            },
            Rlimits = [new OciRlimit { Type = "RLIMIT_NOFILE", Hard = NoFileLimit, Soft = NoFileLimit }],
            NoNewPrivileges = true,
        },
        Root = new OciRoot { Path = "rootfs", Readonly = true },
        Hostname = "runc",
        Mounts =
        [
            Mount("/proc", "proc", "proc"),
            Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
            Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
            Mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
            Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
            Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
            Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"),
        ],
        Linux = new OciLinux
        {
            Resources = new OciResources
            {
                Devices = [new OciDeviceCgroup { Allow = false, Access = "rwm" }],
            },
            Namespaces =
            [
                new OciNamespace { Type = "pid" },
                new OciNamespace { Type = "network" },
                new OciNamespace { Type = "ipc" },
                new OciNamespace { Type = "uts" },
                new OciNamespace { Type = "mount" },
            ],
            MaskedPaths =
            [
                "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
            ],
            ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
        },
    };

    private static OciDevice CharDevice(string path, long major, long minor) =>
        new() { Path = path, Type = "c", Major = major, Minor = minor, FileMode = 0b110_110_110 /* 0666 */, Uid = 0, Gid = 0 };

    private static OciMount Mount(string destination, string type, string source, params string[] options) =>
        new() { Destination = destination, Type = type, Source = source, Options = options.Length == 0 ? null : options };
}
