using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Nodes;

/// <summary>
/// What a node agent drives to run pods, in the shape of the CRI: a pod sandbox (the namespaces and
/// network the pod's containers share) holding containers. The agent decides what should run; the
/// runtime runs it and reports what is. Implemented over the container engine for real nodes, and
/// by <see cref="Fake.FakeNodeRuntime"/> for the control plane's tests and benchmarks.
/// </summary>
public interface INodeRuntime
{
    /// <summary>Raised when a container of a sandbox changes state on its own (it exited), so the agent looks at the pod again.</summary>
    event EventHandler<PodRuntimeEventArgs>? PodChanged;

    /// <summary>Makes the sandbox of <paramref name="pod"/> and returns its id.</summary>
    ValueTask<string> RunPodSandboxAsync(Pod pod, CancellationToken cancellationToken = default);

    /// <summary>Stops every container of the sandbox (each given <paramref name="gracePeriod"/> after SIGTERM) and the sandbox itself.</summary>
    ValueTask StopPodSandboxAsync(string sandboxId, TimeSpan gracePeriod, CancellationToken cancellationToken = default);

    /// <summary>Removes a stopped sandbox and its containers. Removing one that is gone is not an error.</summary>
    ValueTask RemovePodSandboxAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Creates and starts <paramref name="container"/> of <paramref name="pod"/> in the sandbox; returns the container's id.</summary>
    ValueTask<string> StartContainerAsync(string sandboxId, Pod pod, Container container, CancellationToken cancellationToken = default);

    /// <summary>Stops a container: SIGTERM, then SIGKILL after <paramref name="gracePeriod"/>.</summary>
    ValueTask StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken = default);

    /// <summary>Removes an exited container.</summary>
    ValueTask RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>The sandbox and its containers as they are, or null when there is no such sandbox.</summary>
    ValueTask<PodSandboxStatus?> GetPodSandboxStatusAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Every sandbox the runtime holds, as an agent finds them after a restart.</summary>
    ValueTask<IReadOnlyList<PodSandboxStatus>> ListPodSandboxesAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="probe"/> (exec, HTTP or TCP) against a running container.</summary>
    ValueTask<ProbeResult> ProbeAsync(string containerId, Probe probe, CancellationToken cancellationToken = default);
}
