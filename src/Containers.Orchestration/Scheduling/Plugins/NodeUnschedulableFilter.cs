using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>Cordoned nodes take only pods that tolerate the unschedulable taint.</summary>
public sealed class NodeUnschedulableFilter : IFilterPlugin
{
    public const string Reason = "node(s) were unschedulable";

    private static readonly Taint UnschedulableTaint = new() { Key = WellKnownTaints.Unschedulable, Effect = TaintEffect.NoSchedule };

    public string Name => "NodeUnschedulable";

    public IReadOnlyList<string> Filter(Pod pod, ResourceRequest request, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        return node.Node.Spec.Unschedulable == true && !pod.Spec.Tolerations.Any(t => t.Tolerates(UnschedulableTaint)) ? [Reason] : [];
    }
}
