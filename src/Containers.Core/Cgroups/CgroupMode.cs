namespace Containers.Cgroups;

/// <summary>How the host mounts its cgroup hierarchies.</summary>
public enum CgroupMode
{
    /// <summary>Only cgroup v1: one hierarchy per controller (or group of co-mounted controllers).</summary>
    V1,

    /// <summary>Only cgroup v2: one unified hierarchy at (usually) <c>/sys/fs/cgroup</c>.</summary>
    Unified,

    /// <summary>
    /// cgroup v1 controllers plus a cgroup v2 hierarchy (systemd's "hybrid", usually at
    /// <c>/sys/fs/cgroup/unified</c>) that tracks processes and may hold no controllers.
    /// </summary>
    Hybrid,
}
