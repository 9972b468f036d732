using Containers.Errors;
using Containers.Mounts;

namespace Containers.Cgroups;

/// <summary>
/// The cgroup hierarchies of this host, read from <c>/proc/self/mountinfo</c> and
/// <c>/proc/self/cgroup</c>: pure v1, pure v2 (unified) or hybrid. Nothing is assumed about where
/// they are mounted or which controllers are co-mounted.
/// </summary>
public sealed class CgroupLayout
{
    private static readonly Lazy<CgroupLayout> Detected = new(Detect);

    private CgroupLayout(CgroupMode mode, IReadOnlyList<CgroupHierarchy> v1, CgroupHierarchy? unified)
    {
        Mode = mode;
        V1Hierarchies = v1;
        Unified = unified;
    }

    /// <summary>The layout of this host, detected once.</summary>
    public static CgroupLayout Current => Detected.Value;

    /// <summary>Pure v1, pure v2 or hybrid.</summary>
    public CgroupMode Mode { get; }

    /// <summary>The v1 hierarchies with their controllers (empty on a pure v2 host). Named hierarchies such as <c>name=systemd</c> are included.</summary>
    public IReadOnlyList<CgroupHierarchy> V1Hierarchies { get; }

    /// <summary>The cgroup v2 hierarchy, or <see langword="null"/> on a pure v1 host.</summary>
    public CgroupHierarchy? Unified { get; }

    /// <summary>The controllers that the unified hierarchy offers (none in a typical hybrid layout).</summary>
    public IReadOnlyList<string> UnifiedControllers => Unified?.Controllers ?? [];

    /// <summary>The v1 hierarchy that carries <paramref name="controller"/>, or <see langword="null"/>.</summary>
    public CgroupHierarchy? FindV1(string controller)
    {
        foreach (var hierarchy in V1Hierarchies)
        {
            if (hierarchy.Has(controller))
            {
                return hierarchy;
            }
        }

        return null;
    }

    /// <summary>
    /// Where <paramref name="controller"/> lives: its v1 hierarchy when it has one, else the unified
    /// hierarchy when that offers it, else <see langword="null"/>.
    /// </summary>
    public CgroupHierarchy? HierarchyOf(string controller) =>
        FindV1(controller) ?? (Unified is { } unified && unified.Has(controller) ? unified : null);

    /// <summary>Reads this process's mountinfo, cgroup file and the unified hierarchy's <c>cgroup.controllers</c>.</summary>
    /// <exception cref="UnavailableException">No cgroup filesystem is mounted.</exception>
    public static CgroupLayout Detect()
    {
        var mountInfo = File.ReadAllText("/proc/self/mountinfo");
        var procSelfCgroup = File.ReadAllText("/proc/self/cgroup");
        var layout = Parse(mountInfo, procSelfCgroup);
        if (layout.Unified is not { } unified)
        {
            return layout;
        }

        var controllersFile = Path.Join(unified.DirectoryOf(unified.OwnPath), "cgroup.controllers");
        var controllers = File.Exists(controllersFile) ? File.ReadAllText(controllersFile) : string.Empty;
        return Parse(mountInfo, procSelfCgroup, controllers.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Builds the layout from the text of <c>/proc/self/mountinfo</c> and <c>/proc/self/cgroup</c>,
    /// with <paramref name="unifiedControllers"/> standing for the unified hierarchy's
    /// <c>cgroup.controllers</c>. Pure: it reads no files.
    /// </summary>
    /// <exception cref="UnavailableException">No cgroup filesystem is mounted.</exception>
    /// <exception cref="InvalidArgumentException">A line of either text is malformed.</exception>
    public static CgroupLayout Parse(string mountInfo, string procSelfCgroup, IReadOnlyList<string>? unifiedControllers = null)
    {
        ArgumentNullException.ThrowIfNull(mountInfo);
        ArgumentNullException.ThrowIfNull(procSelfCgroup);
        var ownPaths = ParseProcCgroup(procSelfCgroup);

        var v1 = new List<CgroupHierarchy>();
        CgroupHierarchy? unified = null;
        foreach (var mount in MountInfo.Parse(mountInfo))
        {
            if (mount.FsType == "cgroup2")
            {
                // A second mount of the same hierarchy (a bind mount) adds nothing.
                unified ??= new CgroupHierarchy(unifiedControllers ?? [], mount.MountPoint, mount.Root, ownPaths.GetValueOrDefault(string.Empty, "/"), IsUnified: true);
            }
            else if (mount.FsType == "cgroup")
            {
                var controllers = V1Controllers(mount.SuperOptions);
                if (controllers.Count == 0 || v1.Exists(h => h.Has(controllers[0])))
                {
                    continue;
                }

                var key = string.Join(',', controllers);
                var own = ownPaths.GetValueOrDefault(key) ?? FindOwnPath(ownPaths, controllers) ?? "/";
                v1.Add(new CgroupHierarchy(controllers, mount.MountPoint, mount.Root, own, IsUnified: false));
            }
        }

        var hasV1Controllers = v1.Exists(h => h.Controllers.Any(c => !c.StartsWith("name=", StringComparison.Ordinal)));
        var mode = (hasV1Controllers, unified is not null) switch
        {
            (true, true) => CgroupMode.Hybrid,
            (true, false) => CgroupMode.V1,
            (false, true) => CgroupMode.Unified,
            // A named v1 hierarchy alone (name=systemd) limits nothing.
            _ => throw new UnavailableException(
                "no cgroup filesystem with controllers is mounted (no \"cgroup\" or \"cgroup2\" line in /proc/self/mountinfo); mount cgroup2 at /sys/fs/cgroup or the v1 controllers under it"),
        };

        // On pure v2 the named v1 hierarchies are irrelevant; keep them only alongside real v1 controllers.
        return new CgroupLayout(mode, mode == CgroupMode.Unified ? [] : v1, unified);
    }

    /// <summary>The controllers among the super options of a v1 mount (<c>rw,cpu,cpuacct</c> → cpu, cpuacct).</summary>
    private static List<string> V1Controllers(IReadOnlyList<string> superOptions)
    {
        var controllers = new List<string>();
        foreach (var option in superOptions)
        {
            if (option.StartsWith("name=", StringComparison.Ordinal) || KnownV1Controllers.Contains(option))
            {
                controllers.Add(option);
            }
        }

        return controllers;
    }

    private static readonly HashSet<string> KnownV1Controllers = new(StringComparer.Ordinal)
    {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio", "perf_event",
        "net_prio", "hugetlb", "pids", "rdma", "misc",
    };

    /// <summary>
    /// <c>hierarchy-id:controllers:path</c> lines, keyed by the controller list as written
    /// (<c>cpu,cpuacct</c>); the v2 line has an empty key.
    /// </summary>
    private static Dictionary<string, string> ParseProcCgroup(string text)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var first = line.IndexOf(':', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0)
            {
                throw new InvalidArgumentException(
                    $"/proc/self/cgroup line \"{line}\" is malformed: expected \"hierarchy-id:controllers:path\" as in cgroups(7)");
            }

            paths.TryAdd(line[(first + 1)..second], line[(second + 1)..]);
        }

        return paths;
    }

    /// <summary>The line whose controller list contains any of <paramref name="controllers"/>, when the order differs from the mount's.</summary>
    private static string? FindOwnPath(Dictionary<string, string> ownPaths, List<string> controllers)
    {
        foreach (var (key, path) in ownPaths)
        {
            if (key.Length > 0 && key.Split(',').Any(controllers.Contains))
            {
                return path;
            }
        }

        return null;
    }
}
