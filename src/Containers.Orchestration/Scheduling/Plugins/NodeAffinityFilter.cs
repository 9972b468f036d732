using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>The pod's nodeSelector and required node affinity must match the node.</summary>
public sealed class NodeAffinityFilter : IFilterPlugin
{
    public const string Reason = "node(s) didn't match Pod's node affinity/selector";

    public string Name => "NodeAffinity";

    public IReadOnlyList<string> Filter(Pod pod, ResourceRequest request, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        return NodeAffinity.Matches(pod.Spec, node.Node) ? [] : [Reason];
    }
}
