using Containers.Orchestration.Api;

namespace Containers.Orchestration.Nodes;

/// <summary>A pod sandbox as the runtime reports it.</summary>
/// <param name="Id">The runtime's id of the sandbox.</param>
/// <param name="PodUid">The uid of the pod it was made for.</param>
/// <param name="Pod">The pod's namespace and name.</param>
/// <param name="Ready">False once the sandbox is stopped.</param>
/// <param name="Ip">The pod's IP address, if it has a network.</param>
/// <param name="Containers">Every container made in the sandbox, newest attempt last.</param>
public sealed record PodSandboxStatus(string Id, string PodUid, NamespacedName Pod, bool Ready, string? Ip, IReadOnlyList<RuntimeContainerStatus> Containers);
