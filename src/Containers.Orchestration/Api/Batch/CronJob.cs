using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Batch;

/// <summary>batch/v1 CronJob: creates Jobs on a cron schedule.</summary>
public sealed record CronJob() : KubeObject(BatchV1.ApiVersion, KindName)
{
    public const string KindName = "CronJob";

    public CronJobSpec Spec { get => field ??= new(); init; }

    public CronJobStatus Status { get => field ??= new(); init; }
}

public sealed record CronJobSpec
{
    /// <summary>Five-field cron, or a macro such as @hourly.</summary>
    public string Schedule { get => field ?? string.Empty; init; }

    /// <summary>An IANA zone such as Etc/UTC; the controller's zone when unset.</summary>
    public string? TimeZone { get; init; }

    public long? StartingDeadlineSeconds { get; init; }

    /// <summary>Allow (the default), Forbid or Replace.</summary>
    public string? ConcurrencyPolicy { get; init; }

    public bool? Suspend { get; init; }

    public JobTemplateSpec JobTemplate { get => field ??= new(); init; }

    /// <summary>3 by default.</summary>
    public int? SuccessfulJobsHistoryLimit { get; init; }

    /// <summary>1 by default.</summary>
    public int? FailedJobsHistoryLimit { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record CronJobStatus
{
    public IReadOnlyList<ObjectReference> Active { get => field ?? []; init; }

    public DateTimeOffset? LastScheduleTime { get; init; }

    public DateTimeOffset? LastSuccessfulTime { get; init; }
}
