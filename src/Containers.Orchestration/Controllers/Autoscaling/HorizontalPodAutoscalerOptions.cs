namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>Settings of the HorizontalPodAutoscaler controller (kube-controller-manager's --horizontal-pod-autoscaler-* flags).</summary>
public sealed class HorizontalPodAutoscalerOptions
{
    /// <summary>How often each autoscaler is reconciled.</summary>
    public TimeSpan SyncPeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The ratio of current to desired metric within which nothing scales, unless a behavior sets its own.</summary>
    public double Tolerance { get; set; } = 0.1;

    /// <summary>For autoscalers with no behavior: how far back the highest recommendation holds a scale-down.</summary>
    public TimeSpan DownscaleStabilizationWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After a pod starts, how long its CPU samples are only trusted once it is ready and a full window has passed since.</summary>
    public TimeSpan CpuInitializationPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After a pod starts, how long it may turn unready without counting as never having been ready.</summary>
    public TimeSpan InitialReadinessDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Autoscalers reconciled at once.</summary>
    public int Workers { get; set; } = 5;
}
