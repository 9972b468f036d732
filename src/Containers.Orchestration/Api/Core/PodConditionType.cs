namespace Containers.Orchestration.Api.Core;

/// <summary>The types of a pod's <see cref="PodStatus.Conditions"/>.</summary>
public static class PodConditionType
{
    /// <summary>The scheduler bound the pod (True) or found no node for it (False, reason Unschedulable).</summary>
    public const string PodScheduled = "PodScheduled";

    public const string Initialized = "Initialized";

    public const string ContainersReady = "ContainersReady";

    /// <summary>The pod serves: every container is ready, and every readiness gate is true.</summary>
    public const string Ready = "Ready";

    /// <summary>The pod is about to be evicted (reason DeletionByTaintManager, EvictionByEvictionAPI...).</summary>
    public const string DisruptionTarget = "DisruptionTarget";
}
