using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Scheduling;
using Containers.Orchestration.Scheduling.Plugins;

namespace Containers.Orchestration.Controllers.DaemonSets;

/// <summary>Which nodes a DaemonSet's pod belongs on, and the tolerations every daemon pod gets.</summary>
public static class DaemonPods
{
    /// <summary>
    /// The tolerations the DaemonSet controller adds to every daemon pod, so that daemons stay on
    /// nodes that are not ready, unreachable, under pressure or cordoned (and, with host networking,
    /// without a network yet).
    /// </summary>
    public static IReadOnlyList<Toleration> WithDaemonTolerations(IReadOnlyList<Toleration> tolerations, bool hostNetwork)
    {
        ArgumentNullException.ThrowIfNull(tolerations);
        var result = tolerations.ToList();
        void Add(string key, string effect)
        {
            var taint = new Taint { Key = key, Effect = effect };
            if (!result.Any(t => t.Tolerates(taint) && t.TolerationSeconds is null))
            {
                result.RemoveAll(t => t.Key == key && t.Effect == effect);
                result.Add(new Toleration { Key = key, Operator = "Exists", Effect = effect });
            }
        }

        Add(WellKnownTaints.NotReady, TaintEffect.NoExecute);
        Add(WellKnownTaints.Unreachable, TaintEffect.NoExecute);
        Add(WellKnownTaints.DiskPressure, TaintEffect.NoSchedule);
        Add(WellKnownTaints.MemoryPressure, TaintEffect.NoSchedule);
        Add(WellKnownTaints.PidPressure, TaintEffect.NoSchedule);
        Add(WellKnownTaints.Unschedulable, TaintEffect.NoSchedule);
        if (hostNetwork)
        {
            Add(WellKnownTaints.NetworkUnavailable, TaintEffect.NoSchedule);
        }

        return result;
    }

    /// <summary>
    /// Whether a daemon pod of <paramref name="set"/> should be placed on <paramref name="node"/>, and
    /// whether one already there may stay (NodeShouldRunDaemonPod): the node must match the pod's node
    /// name, nodeSelector and required affinity; untolerated NoSchedule taints keep a new pod off but
    /// let a running one stay; untolerated NoExecute taints do neither.
    /// </summary>
    public static (bool ShouldRun, bool ShouldContinueRunning) ShouldRun(DaemonSet set, Node node)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(node);
        var spec = set.Spec.Template.Spec;
        if (!string.IsNullOrEmpty(spec.NodeName) && spec.NodeName != node.Name)
        {
            return (false, false);
        }

        if (!NodeAffinity.Matches(spec, node))
        {
            return (false, false);
        }

        var tolerations = WithDaemonTolerations(spec.Tolerations, spec.HostNetwork == true);
        if (TaintTolerationFilter.FirstUntolerated(node.Spec.Taints, tolerations, TaintEffect.NoSchedule, TaintEffect.NoExecute) is null)
        {
            return (true, true);
        }

        return (false, TaintTolerationFilter.FirstUntolerated(node.Spec.Taints, tolerations, TaintEffect.NoExecute) is null);
    }
}
