using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>A node's NoSchedule and NoExecute taints repel pods that do not tolerate them (PreferNoSchedule only scores).</summary>
public sealed class TaintTolerationFilter : IFilterPlugin
{
    public string Name => "TaintToleration";

    public IReadOnlyList<string> Filter(Pod pod, ResourceRequest request, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var untolerated = FirstUntolerated(node.Node.Spec.Taints, pod.Spec.Tolerations, TaintEffect.NoSchedule, TaintEffect.NoExecute);
        return untolerated is null ? [] : [$"node(s) had untolerated taint {{{untolerated.Key}: {untolerated.Value}}}"];
    }

    /// <summary>The first taint with one of <paramref name="effects"/> that no toleration tolerates, or null.</summary>
    public static Taint? FirstUntolerated(IReadOnlyList<Taint> taints, IReadOnlyList<Toleration> tolerations, params string[] effects)
    {
        ArgumentNullException.ThrowIfNull(taints);
        ArgumentNullException.ThrowIfNull(tolerations);
        foreach (var taint in taints)
        {
            if (Array.IndexOf(effects, taint.Effect) >= 0 && !tolerations.Any(t => t.Tolerates(taint)))
            {
                return taint;
            }
        }

        return null;
    }
}
