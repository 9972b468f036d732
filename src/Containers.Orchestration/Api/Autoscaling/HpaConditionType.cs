namespace Containers.Orchestration.Api.Autoscaling;

/// <summary>The types of a HorizontalPodAutoscaler's <see cref="HorizontalPodAutoscalerStatus.Conditions"/>.</summary>
public static class HpaConditionType
{
    /// <summary>The autoscaler can read and update its target's scale (and, with a reason, whether backoff or stabilization holds it).</summary>
    public const string AbleToScale = "AbleToScale";

    /// <summary>The autoscaler could compute a replica count from its metrics.</summary>
    public const string ScalingActive = "ScalingActive";

    /// <summary>The desired count was clamped by minReplicas, maxReplicas or a scaling policy.</summary>
    public const string ScalingLimited = "ScalingLimited";
}
