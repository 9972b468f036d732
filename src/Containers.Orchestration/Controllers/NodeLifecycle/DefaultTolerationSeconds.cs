using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Controllers.NodeLifecycle;

/// <summary>
/// Kubernetes' DefaultTolerationSeconds admission: a pod that does not tolerate the not-ready and
/// unreachable NoExecute taints gets tolerations for them with tolerationSeconds (300 by default),
/// so its pods stay that long on a failed node before they are evicted.
/// </summary>
public static class DefaultTolerationSeconds
{
    public const long DefaultSeconds = 300;

    /// <summary>The admission step: <paramref name="obj"/> with the tolerations added when it is a pod that lacks them.</summary>
    public static KubeObject Admit(KubeObject obj, long seconds = DefaultSeconds)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj is not Pod pod)
        {
            return obj;
        }

        var tolerations = pod.Spec.Tolerations.ToList();
        var changed = false;
        foreach (var key in new[] { WellKnownTaints.NotReady, WellKnownTaints.Unreachable })
        {
            var taint = new Taint { Key = key, Effect = TaintEffect.NoExecute };
            if (!tolerations.Any(t => t.Tolerates(taint)))
            {
                tolerations.Add(new Toleration { Key = key, Operator = "Exists", Effect = TaintEffect.NoExecute, TolerationSeconds = seconds });
                changed = true;
            }
        }

        return changed ? pod with { Spec = pod.Spec with { Tolerations = tolerations } } : pod;
    }

    /// <summary>The admission step as a hook with its own number of seconds.</summary>
    public static Func<KubeObject, KubeObject> Admission(long seconds = DefaultSeconds) => obj => Admit(obj, seconds);
}
