namespace Containers.Orchestration.Api.Batch;

/// <summary>The labels, annotations and variables the Job and CronJob controllers put on what they make.</summary>
public static class BatchLabels
{
    /// <summary>On a Job's pods: the Job's name.</summary>
    public const string JobName = "batch.kubernetes.io/job-name";

    /// <summary>The older spelling of <see cref="JobName"/>, still set for selectors that use it.</summary>
    public const string LegacyJobName = "job-name";

    /// <summary>On a Job's pods: the Job's uid, which its default selector matches.</summary>
    public const string ControllerUid = "batch.kubernetes.io/controller-uid";

    /// <summary>The older spelling of <see cref="ControllerUid"/>.</summary>
    public const string LegacyControllerUid = "controller-uid";

    /// <summary>On the pods of an Indexed Job, as a label and an annotation: the pod's completion index.</summary>
    public const string JobCompletionIndex = "batch.kubernetes.io/job-completion-index";

    /// <summary>The variable that gives each container of an Indexed Job's pod its completion index.</summary>
    public const string JobCompletionIndexEnv = "JOB_COMPLETION_INDEX";

    /// <summary>On a CronJob's Jobs: the scheduled time, RFC 3339 in the CronJob's time zone.</summary>
    public const string CronJobScheduledTimestamp = "batch.kubernetes.io/cronjob-scheduled-timestamp";
}
