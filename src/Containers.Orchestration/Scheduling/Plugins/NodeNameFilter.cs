using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>A pod that names a node in spec.nodeName fits only there.</summary>
public sealed class NodeNameFilter : IFilterPlugin
{
    public const string Reason = "node(s) didn't match the requested node name";

    public string Name => "NodeName";

    public IReadOnlyList<string> Filter(Pod pod, ResourceRequest request, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        return string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Spec.NodeName == node.Name ? [] : [Reason];
    }
}
