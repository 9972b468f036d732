namespace Containers.Orchestration.Controllers.Batch;

/// <summary>Settings of the Job, CronJob and TTL-after-finished controllers.</summary>
public sealed class BatchControllerOptions
{
    /// <summary>The wait before replacing a Job's first failed pod; it doubles with each further failure.</summary>
    public TimeSpan PodFailureBackoff { get; set; } = JobBackoff.DefaultBase;

    /// <summary>The longest wait before replacing failed pods.</summary>
    public TimeSpan MaxPodFailureBackoff { get; set; } = JobBackoff.DefaultMax;

    /// <summary>Jobs reconciled at once (kube-controller-manager's --concurrent-job-syncs).</summary>
    public int JobWorkers { get; set; } = 5;

    /// <summary>CronJobs reconciled at once (--concurrent-cron-job-syncs).</summary>
    public int CronJobWorkers { get; set; } = 5;

    /// <summary>Finished Jobs checked for expiry at once (--concurrent-ttl-after-finished-syncs).</summary>
    public int TtlAfterFinishedWorkers { get; set; } = 5;
}
