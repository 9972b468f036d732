using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// What a Job's spec means once defaulted, and what its status and pods say, as the Job, CronJob and
/// TTL controllers read them. The defaults are the API server's (completions and parallelism 1 when
/// both are unset, backoffLimit 6), applied here too so the controllers act the same on objects that
/// no defaulting API server saw.
/// </summary>
internal static class JobState
{
    public const int DefaultBackoffLimit = 6;

    public static bool IsFinished(Job job) => IsComplete(job) || IsFailed(job);

    public static bool IsComplete(Job job) => Conditions.IsTrue(job.Status.Conditions, JobConditionType.Complete);

    public static bool IsFailed(Job job) => Conditions.IsTrue(job.Status.Conditions, JobConditionType.Failed);

    /// <summary>When the Job's Complete or Failed condition turned true, or null while it runs.</summary>
    public static DateTimeOffset? FinishTime(Job job)
    {
        foreach (var c in job.Status.Conditions)
        {
            if (c.IsTrue && c.Type is JobConditionType.Complete or JobConditionType.Failed)
            {
                return c.LastTransitionTime ?? job.Status.CompletionTime;
            }
        }

        return null;
    }

    public static bool IsIndexed(JobSpec spec) => spec.CompletionMode == JobCompletionMode.Indexed;

    public static int Parallelism(JobSpec spec) => Math.Max(0, spec.Parallelism ?? 1);

    /// <summary>The successes needed; null for a work queue (parallelism set, completions not).</summary>
    public static int? Completions(JobSpec spec) => spec.Completions ?? (spec.Parallelism is null ? 1 : null);

    public static int BackoffLimit(JobSpec spec) => spec.BackoffLimit ?? DefaultBackoffLimit;

    public static bool IsSuspended(JobSpec spec) => spec.Suspend == true;

    public static bool IsFinished(Pod pod) => pod.Status.Phase is PodPhase.Succeeded or PodPhase.Failed;

    /// <summary>The completion index of an Indexed Job's pod (annotation, else label), or null when it has none that parses.</summary>
    public static int? CompletionIndex(Pod pod)
    {
        var meta = pod.Metadata;
        if (!meta.Annotations.TryGetValue(BatchLabels.JobCompletionIndex, out var text) && !meta.Labels.TryGetValue(BatchLabels.JobCompletionIndex, out text))
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    /// <summary>
    /// When a pod finished, as Kubernetes' Job backoff reads it: when its Ready condition turned
    /// false, else when its last container terminated, else when it was deleted, else when it was made.
    /// </summary>
    public static DateTimeOffset FinishedAt(Pod pod)
    {
        if (Conditions.Find(pod.Status.Conditions, PodConditionType.Ready) is { Status: ConditionStatus.False, LastTransitionTime: { } readyFalse })
        {
            return readyFalse;
        }

        DateTimeOffset? latest = null;
        foreach (var c in pod.Status.ContainerStatuses)
        {
            if (c.State.Terminated?.FinishedAt is { } at && (latest is null || at > latest))
            {
                latest = at;
            }
        }

        return latest ?? pod.Metadata.DeletionTimestamp ?? pod.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
    }
}
