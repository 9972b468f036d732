using Containers.Cgroups;
using Containers.Processes;
using Containers.Runtime.Spec;

namespace Containers.Runtime;

/// <summary>
/// An OCI runtime: the lifecycle of the runtime spec (create, start, state, kill, delete) plus
/// wait and exec. The built-in runtime and the runc/crun adapter both implement it and pass one
/// conformance fixture.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>A short name: <c>builtin</c>, <c>runc</c>, <c>crun</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Sets the container up from its bundle: namespaces, cgroup, mounts and root. Its process
    /// exists and waits for <see cref="StartAsync"/>.
    /// </summary>
    Task<CreatedContainer> CreateAsync(ContainerCreateRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lets a created container's process run its program.</summary>
    Task StartAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The container's state as the runtime spec defines it.</summary>
    Task<ContainerState> GetStateAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Sends a signal to the container's process, or to every process in it.</summary>
    Task KillAsync(string id, int signal, bool all = false, CancellationToken cancellationToken = default);

    /// <summary>Waits until the container's process exits and returns how it ended.</summary>
    Task<ExitStatus> WaitAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a stopped container: its cgroup, its state and anything it left outside its own
    /// namespaces. With <paramref name="force"/>, kills a running one first.
    /// </summary>
    Task DeleteAsync(string id, bool force = false, CancellationToken cancellationToken = default);

    /// <summary>Freezes every process of a running container, as <c>docker pause</c> does; its status becomes paused.</summary>
    Task PauseAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Thaws a paused container.</summary>
    Task ResumeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Changes the cgroup limits of a container that has not stopped, as <c>runc update</c> and <c>docker update</c> do.</summary>
    Task UpdateAsync(string id, OciResources resources, CancellationToken cancellationToken = default);

    /// <summary>
    /// The container's resource usage from its cgroup: memory with OOM kills, cpu with throttling,
    /// pids and io. Readable until the container is deleted.
    /// </summary>
    Task<CgroupStats> GetStatsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Runs another process in a running container.</summary>
    Task<ExecProcess> ExecAsync(string id, OciProcess process, StdioMode stdio, CancellationToken cancellationToken = default);

    /// <summary>The containers this runtime knows of.</summary>
    Task<IReadOnlyList<ContainerState>> ListAsync(CancellationToken cancellationToken = default);
}
