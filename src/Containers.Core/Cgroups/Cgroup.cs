using System.Globalization;
using Containers.Errors;
using Containers.Linux;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Cgroups;

/// <summary>
/// One cgroup, present in every hierarchy of a <see cref="CgroupLayout"/>: each v1 hierarchy that
/// carries a controller and, in a hybrid layout, the unified hierarchy too (for process tracking,
/// freezing and <c>cgroup.kill</c>). Disposing closes the stats reader's files; it does not delete
/// the cgroup (see <see cref="DeleteAsync"/>).
/// </summary>
public sealed partial class Cgroup : IDisposable
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ED; // 0755

    private readonly CgroupLayout _layout;
    private readonly ILogger _logger;
    private readonly Placement[] _placements;
    private CgroupStatsReader? _stats;

    private Cgroup(CgroupLayout layout, CgroupPath path, ILogger? logger)
    {
        _layout = layout;
        Path = path;
        _logger = logger ?? NullLogger.Instance;
        _placements = PlacementsOf(layout, path);
    }

    /// <summary>The path this cgroup was created or opened with.</summary>
    public CgroupPath Path { get; }

    /// <summary>The layout this cgroup lives in.</summary>
    public CgroupLayout Layout => _layout;

    /// <summary>The cgroup's directory in each hierarchy, for example <c>/sys/fs/cgroup/memory/process_api/…/containers/abc</c>.</summary>
    public IReadOnlyList<string> Directories => Array.ConvertAll(_placements, p => p.Directory);

    /// <summary>
    /// The <c>cgroup.procs</c> file of every hierarchy: writing a pid to each (as a native shim does
    /// between clone and exec) moves that process into this cgroup.
    /// </summary>
    public IReadOnlyList<string> ProcsFiles => Array.ConvertAll(_placements, p => System.IO.Path.Join(p.Directory, "cgroup.procs"));

    /// <summary>Whether the cgroup's directory exists in any hierarchy (false once it is fully deleted).</summary>
    public bool Exists => Array.Exists(_placements, p => Directory.Exists(p.Directory));

    /// <summary>
    /// Creates the cgroup (and any missing parents) in every hierarchy, then applies
    /// <paramref name="resources"/>. An existing cgroup is reused. On cgroup v2 the available
    /// controllers are enabled in each ancestor's <c>cgroup.subtree_control</c>; on v1 a new
    /// cpuset gets its parent's cpus and mems so that tasks can join it.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A resource is invalid; nothing was created.</exception>
    /// <exception cref="FailedPreconditionException">A resource needs a controller this host does not offer; nothing was created.</exception>
    public static Cgroup Create(CgroupLayout layout, CgroupPath path, CgroupResources? resources = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _ = path.Value;
        var cgroup = new Cgroup(layout, path, logger);
        if (resources is not null)
        {
            resources.Validate();
            cgroup.CheckSupported(resources);
        }

        var created = new List<string>();
        try
        {
            foreach (var placement in cgroup._placements)
            {
                cgroup.MakeDirectories(placement, created);
            }

            if (resources is not null)
            {
                cgroup.Apply(resources);
            }
        }
        catch
        {
            // Leave nothing half-made behind: remove what this call created, deepest first.
            for (var i = created.Count - 1; i >= 0; i--)
            {
                _ = LibC.Rmdir(created[i]);
            }

            throw;
        }

        Log.Created(cgroup._logger, path.Value, layout.Mode);
        return cgroup;
    }

    /// <summary>A cgroup that exists already (in at least one hierarchy).</summary>
    /// <exception cref="NotFoundException">The cgroup exists in no hierarchy.</exception>
    public static Cgroup Open(CgroupLayout layout, CgroupPath path, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _ = path.Value;
        var cgroup = new Cgroup(layout, path, logger);
        return cgroup.Exists
            ? cgroup
            : throw new NotFoundException(
                $"cgroup \"{path}\" does not exist in any hierarchy ({string.Join(", ", cgroup.Directories)}); create it with Cgroup.Create");
    }

    /// <summary>Creates (or reuses) the child <paramref name="name"/>, enabling controllers for it on cgroup v2.</summary>
    public Cgroup CreateChild(string name, CgroupResources? resources = null) =>
        Create(_layout, Path.Join(name), resources, _logger);

    /// <summary>
    /// Hands the subtree to <paramref name="uid"/>:<paramref name="gid"/> as systemd's Delegate=
    /// does: the directory and its <c>cgroup.procs</c>, <c>cgroup.threads</c>,
    /// <c>cgroup.subtree_control</c> (and v1 <c>tasks</c>) change owner, so that the user can make
    /// children and move its own processes.
    /// </summary>
    public void Delegate(uint uid, uint gid)
    {
        foreach (var placement in _placements)
        {
            Chown(placement.Directory, uid, gid);
            foreach (var file in DelegatedFiles)
            {
                var path = System.IO.Path.Join(placement.Directory, file);
                if (File.Exists(path))
                {
                    Chown(path, uid, gid);
                }
            }
        }
    }

    /// <summary>Moves process <paramref name="pid"/> into this cgroup in every hierarchy.</summary>
    public void AddProcess(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        var text = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var placement in _placements)
        {
            CgroupFile.Write(Path, placement.Directory, "cgroup.procs", text);
        }
    }

    /// <summary>The processes in this cgroup (not its children), in every hierarchy together, ascending.</summary>
    public IReadOnlyList<int> GetPids()
    {
        var pids = new SortedSet<int>();
        foreach (var placement in _placements)
        {
            var errno = CgroupFile.TryRead(System.IO.Path.Join(placement.Directory, "cgroup.procs"), out var text);
            if (errno == Errno.ENOENT)
            {
                continue;
            }

            if (errno != 0)
            {
                throw Errno.ToException(errno, $"cgroup \"{Path}\": read", System.IO.Path.Join(placement.Directory, "cgroup.procs"));
            }

            AddPids(text!, pids);
        }

        return [.. pids];
    }

    /// <summary>Closes the files that <see cref="ReadStats()"/> keeps open. The cgroup itself stays.</summary>
    public void Dispose()
    {
        _stats?.Dispose();
        _stats = null;
    }

    public override string ToString() => Path.ToString();

    /// <summary>The directory of the hierarchy that carries <paramref name="controller"/> (v1 first, else unified), or <see langword="null"/>.</summary>
    internal string? DirectoryOf(string controller)
    {
        var hierarchy = _layout.HierarchyOf(controller);
        if (hierarchy is null)
        {
            return null;
        }

        foreach (var placement in _placements)
        {
            if (ReferenceEquals(placement.Hierarchy, hierarchy))
            {
                return placement.Directory;
            }
        }

        return null;
    }

    /// <summary>The directory in the unified hierarchy, or <see langword="null"/> on pure v1.</summary>
    internal string? UnifiedDirectory => Array.Find(_placements, p => p.Hierarchy.IsUnified)?.Directory;

    private static readonly string[] DelegatedFiles = ["cgroup.procs", "cgroup.threads", "cgroup.subtree_control", "tasks"];

    private void Chown(string path, uint uid, uint gid)
    {
        if (LibC.Chown(path, uid, gid) != 0)
        {
            throw Errno.ToException($"cgroup \"{Path}\": chown", $"{path} to {uid}:{gid}");
        }
    }

    private static void AddPids(string text, SortedSet<int> pids)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }
    }

    /// <summary>Every v1 hierarchy with a real controller (named ones such as name=systemd belong to their owner), and the unified one.</summary>
    private static Placement[] PlacementsOf(CgroupLayout layout, CgroupPath path)
    {
        var placements = new List<Placement>();
        // Named hierarchies (name=systemd) too: they carry no controller, but tools track
        // processes through them, and runc puts its containers there as well.
        foreach (var hierarchy in layout.V1Hierarchies)
        {
            placements.Add(new Placement(hierarchy, hierarchy.DirectoryOf(path.Resolve(hierarchy.OwnPath))));
        }

        if (layout.Unified is { } unified)
        {
            placements.Add(new Placement(unified, unified.DirectoryOf(path.Resolve(unified.OwnPath))));
        }

        return [.. placements];
    }

    /// <summary>mkdir -p of the cgroup in one hierarchy, preparing each new level (cpuset copy, v2 subtree_control).</summary>
    private void MakeDirectories(Placement placement, List<string> created)
    {
        var mountPoint = placement.Hierarchy.MountPoint;
        var relative = System.IO.Path.GetRelativePath(mountPoint, placement.Directory);
        var current = mountPoint;
        foreach (var component in relative.Split('/'))
        {
            var parent = current;
            current = System.IO.Path.Join(current, component);
            if (placement.Hierarchy.IsUnified)
            {
                EnableControllers(parent);
            }

            if (LibC.Mkdir(current, (uint)DirectoryMode) == 0)
            {
                created.Add(current);
            }
            else if (Errno.Last is var errno && errno != Errno.EEXIST)
            {
                throw Errno.ToException(errno, $"cgroup \"{Path}\": mkdir", current);
            }

            if (placement.Hierarchy.Has("cpuset"))
            {
                InheritCpuset(parent, current);
            }
        }
    }

    /// <summary>A v1 cpuset starts with empty cpus and mems, and refuses tasks until they are set: copy the parent's.</summary>
    private void InheritCpuset(string parent, string directory)
    {
        foreach (var file in CpusetFiles)
        {
            var own = CgroupFile.FirstLine(CgroupFile.Read(Path, directory, file)).Trim();
            if (own.Length == 0)
            {
                var inherited = CgroupFile.FirstLine(CgroupFile.Read(Path, parent, file)).Trim();
                CgroupFile.Write(Path, directory, file, inherited);
            }
        }
    }

    private static readonly string[] CpusetFiles = ["cpuset.cpus", "cpuset.mems"];

    /// <summary>Enables, in <paramref name="directory"/>'s subtree_control, each known controller it offers and has not enabled yet.</summary>
    private void EnableControllers(string directory)
    {
        var available = CgroupFile.Read(Path, directory, "cgroup.controllers").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (available.Length == 0)
        {
            return;
        }

        var enabled = CgroupFile.Read(Path, directory, "cgroup.subtree_control").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var missing = available.Where(c => V2Controllers.Contains(c) && !enabled.Contains(c)).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        var value = string.Join(' ', missing.Select(c => "+" + c));
        try
        {
            CgroupFile.Write(Path, directory, "cgroup.subtree_control", value);
        }
        catch (ConflictException e)
        {
            throw new ConflictException(
                $"{e.Message}; cgroup v2 lets a cgroup with processes of its own give controllers to its children only at the root, so move those processes into a leaf cgroup first",
                e);
        }
    }

    private static readonly HashSet<string> V2Controllers = new(StringComparer.Ordinal)
    {
        "cpu", "cpuset", "io", "memory", "pids", "hugetlb", "rdma", "misc",
    };

    private sealed record Placement(CgroupHierarchy Hierarchy, string Directory);
}
