using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling;

/// <summary>A node as the scheduler sees it: the node, the pods on it, and what they request.</summary>
public sealed class NodeInfo
{
    public NodeInfo(Node node, IEnumerable<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pods);
        Node = node;
        Pods = [.. pods];
        Allocatable = ResourceRequest.Allocatable(node);
        foreach (var pod in Pods)
        {
            Requested += ResourceRequest.Of(pod);
            NonZeroRequested += ResourceRequest.Of(pod, nonZero: true);
        }
    }

    public Node Node { get; }

    /// <summary>The pods bound (or assumed bound) to the node that still hold resources.</summary>
    public IReadOnlyList<Pod> Pods { get; }

    public ResourceRequest Allocatable { get; }

    /// <summary>The sum of the pods' requests, with <see cref="ResourceRequest.Pods"/> their count.</summary>
    public ResourceRequest Requested { get; }

    /// <summary>As <see cref="Requested"/>, with the scoring defaults for containers that request nothing.</summary>
    public ResourceRequest NonZeroRequested { get; }

    public string Name => Node.Name;
}
