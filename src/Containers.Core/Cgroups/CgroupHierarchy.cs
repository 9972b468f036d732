namespace Containers.Cgroups;

/// <summary>
/// One mounted cgroup hierarchy: where it is mounted, which controllers it carries, and the cgroup
/// that this process is in there.
/// </summary>
/// <param name="Controllers">
/// The v1 controllers of the mount (<c>cpu</c>, <c>cpuacct</c> when co-mounted; <c>name=systemd</c>
/// for a named hierarchy); for the unified hierarchy, the controllers that <c>cgroup.controllers</c>
/// offers to this process's cgroup.
/// </param>
/// <param name="MountPoint">Where the hierarchy is mounted, for example <c>/sys/fs/cgroup/memory</c>.</param>
/// <param name="MountRoot">The cgroup that the mount shows as its root (the <c>root</c> field of mountinfo; <c>/</c> on a host).</param>
/// <param name="OwnPath">This process's cgroup in the hierarchy, from <c>/proc/self/cgroup</c>, for example <c>/process_api/d0d2…</c>.</param>
/// <param name="IsUnified">Whether this is the cgroup v2 hierarchy.</param>
public sealed record CgroupHierarchy(
    IReadOnlyList<string> Controllers,
    string MountPoint,
    string MountRoot,
    string OwnPath,
    bool IsUnified)
{
    /// <summary>Whether the hierarchy carries <paramref name="controller"/>.</summary>
    public bool Has(string controller)
    {
        foreach (var c in Controllers)
        {
            if (string.Equals(c, controller, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The directory of the cgroup at <paramref name="cgroup"/>, an absolute path in the hierarchy,
    /// under <see cref="MountPoint"/>; a mount whose root is not <c>/</c> shows only what is below it.
    /// </summary>
    internal string DirectoryOf(string cgroup)
    {
        var relative = cgroup;
        if (MountRoot != "/" && (cgroup == MountRoot || cgroup.StartsWith(MountRoot + "/", StringComparison.Ordinal)))
        {
            relative = cgroup[MountRoot.Length..];
        }

        relative = relative.TrimStart('/');
        return relative.Length == 0 ? MountPoint : Path.Join(MountPoint, relative);
    }
}
