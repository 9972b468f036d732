namespace Containers.Orchestration.Controllers.StatefulSets;

/// <summary>The labels a StatefulSet puts on its pods.</summary>
public static class StatefulSetLabels
{
    /// <summary>The pod's own name, so a Service can select one replica.</summary>
    public const string PodName = "statefulset.kubernetes.io/pod-name";

    /// <summary>The pod's ordinal.</summary>
    public const string PodIndex = "apps.kubernetes.io/pod-index";
}
