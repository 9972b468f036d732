namespace Containers.Runtime.Builtin;

/// <summary>
/// One hierarchy of the container's cgroup, as the container should see it under
/// <c>/sys/fs/cgroup</c>: <paramref name="Name"/> is the directory there (<c>memory</c>,
/// <c>cpu,cpuacct</c>, <c>unified</c>), <paramref name="HostDirectory"/> the container's own cgroup.
/// </summary>
internal sealed record CgroupMountSource(string Name, string HostDirectory, bool IsUnified);
