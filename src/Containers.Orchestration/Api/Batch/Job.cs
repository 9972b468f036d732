using System.Text.Json;
using Containers.Orchestration.Api.Core;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Batch;

/// <summary>batch/v1 Job: runs pods until a number of them succeed.</summary>
public sealed record Job() : KubeObject(BatchV1.ApiVersion, KindName)
{
    public const string KindName = "Job";

    public JobSpec Spec { get => field ??= new(); init; }

    public JobStatus Status { get => field ??= new(); init; }
}

/// <remarks>podFailurePolicy and successPolicy are kept as JSON until the Job controller reads them.</remarks>
public sealed record JobSpec
{
    /// <summary>Pods run at once; 1 by default.</summary>
    public int? Parallelism { get; init; }

    /// <summary>Successes needed; 1 by default (unset with parallelism: a work queue).</summary>
    public int? Completions { get; init; }

    public long? ActiveDeadlineSeconds { get; init; }

    /// <summary>Retries before the Job fails; 6 by default.</summary>
    public int? BackoffLimit { get; init; }

    public int? BackoffLimitPerIndex { get; init; }

    public int? MaxFailedIndexes { get; init; }

    /// <summary>Set by the API server from controller-uid unless <see cref="ManualSelector"/>.</summary>
    public LabelSelector? Selector { get; init; }

    public bool? ManualSelector { get; init; }

    public PodTemplateSpec Template { get => field ??= new(); init; }

    public int? TtlSecondsAfterFinished { get; init; }

    /// <summary>NonIndexed (the default) or Indexed.</summary>
    public string? CompletionMode { get; init; }

    public bool? Suspend { get; init; }

    public JsonElement? PodFailurePolicy { get; init; }

    public JsonElement? SuccessPolicy { get; init; }

    /// <summary>TerminatingOrFailed or Failed.</summary>
    public string? PodReplacementPolicy { get; init; }

    public string? ManagedBy { get; init; }
}

/// <summary>A Job template inside a CronJob.</summary>
public sealed record JobTemplateSpec
{
    public ObjectMeta Metadata { get => field ??= new(); init; }

    public JobSpec Spec { get => field ??= new(); init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record JobStatus
{
    /// <summary>Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet.</summary>
    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? CompletionTime { get; init; }

    public int? Active { get; init; }

    public int? Succeeded { get; init; }

    public int? Failed { get; init; }

    public int? Terminating { get; init; }

    /// <summary>Indexed mode: the completed indexes as ranges, such as "1,3-5".</summary>
    public string? CompletedIndexes { get; init; }

    public string? FailedIndexes { get; init; }

    public UncountedTerminatedPods? UncountedTerminatedPods { get; init; }

    public int? Ready { get; init; }
}

/// <summary>Pods finished but not yet counted in the status, by uid.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record UncountedTerminatedPods
{
    public IReadOnlyList<string> Succeeded { get => field ?? []; init; }

    public IReadOnlyList<string> Failed { get => field ?? []; init; }
}
