using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Controllers.Workloads;

/// <summary>The questions workload controllers ask of pods, answered as Kubernetes' podutil answers them.</summary>
public static class PodStates
{
    /// <summary>Not finished (Succeeded or Failed) and not being deleted: it counts toward replicas.</summary>
    public static bool IsActive(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Status.Phase is not (PodPhase.Succeeded or PodPhase.Failed) && pod.Metadata.DeletionTimestamp is null;
    }

    public static bool IsTerminating(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Metadata.DeletionTimestamp is not null;
    }

    /// <summary>Its Ready condition is True.</summary>
    public static bool IsReady(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return Conditions.IsTrue(pod.Status.Conditions, PodConditionType.Ready);
    }

    /// <summary>When it last became ready, or null when it is not ready.</summary>
    public static DateTimeOffset? ReadySince(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return Conditions.Find(pod.Status.Conditions, PodConditionType.Ready) is { IsTrue: true } ready ? ready.LastTransitionTime ?? DateTimeOffset.MinValue : null;
    }

    /// <summary>Ready for at least <paramref name="minReadySeconds"/> at <paramref name="now"/>.</summary>
    public static bool IsAvailable(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        ReadySince(pod) is { } since && (minReadySeconds <= 0 || since.AddSeconds(minReadySeconds) <= now);

    /// <summary>How long until a ready pod becomes available, or null when it is not ready or already available.</summary>
    public static TimeSpan? UntilAvailable(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        ReadySince(pod) is { } since && minReadySeconds > 0 && since.AddSeconds(minReadySeconds) > now ? since.AddSeconds(minReadySeconds) - now : null;

    /// <summary>Running or Pending, and not yet finished.</summary>
    public static bool IsRunningAndReady(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Status.Phase == PodPhase.Running && IsReady(pod);
    }

    /// <summary>The pod a controller creates from <paramref name="template"/>, owned by <paramref name="owner"/>.</summary>
    public static Pod FromTemplate(PodTemplateSpec template, KubeObject owner, string? name = null, string? generateName = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(owner);
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                GenerateName = name is null ? generateName ?? owner.Name + "-" : null,
                Namespace = owner.Namespace,
                Labels = template.Metadata.Labels,
                Annotations = template.Metadata.Annotations,
                Finalizers = template.Metadata.Finalizers,
                OwnerReferences = [OwnerReference.ControllerOf(owner)],
            },
            Spec = template.Spec,
        };
    }
}
