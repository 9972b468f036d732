using System.Text.Json.Serialization;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Api.Apps;

/// <summary>apps/v1 Deployment: rolls a pod template out through ReplicaSets.</summary>
public sealed record Deployment() : KubeObject(AppsV1.ApiVersion, KindName)
{
    public const string KindName = "Deployment";

    public DeploymentSpec Spec { get => field ??= new(); init; }

    public DeploymentStatus Status { get => field ??= new(); init; }
}

public sealed record DeploymentSpec
{
    /// <summary>1 by default.</summary>
    public int? Replicas { get; init; }

    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec Template { get => field ??= new(); init; }

    public DeploymentStrategy Strategy { get => field ??= new(); init; }

    public int? MinReadySeconds { get; init; }

    /// <summary>Old ReplicaSets kept for rollback; 10 by default.</summary>
    public int? RevisionHistoryLimit { get; init; }

    public bool? Paused { get; init; }

    /// <summary>Seconds without progress before Progressing turns False (ProgressDeadlineExceeded); 600 by default.</summary>
    public int? ProgressDeadlineSeconds { get; init; }
}

public sealed record DeploymentStrategy
{
    /// <summary>RollingUpdate (the default) or Recreate.</summary>
    public string? Type { get; init; }

    public RollingUpdateDeployment? RollingUpdate { get; init; }
}

public sealed record RollingUpdateDeployment
{
    /// <summary>25% by default; a percentage rounds down.</summary>
    public IntOrString? MaxUnavailable { get; init; }

    /// <summary>25% by default; a percentage rounds up.</summary>
    public IntOrString? MaxSurge { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record DeploymentStatus
{
    public long? ObservedGeneration { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Replicas { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int UpdatedReplicas { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ReadyReplicas { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int AvailableReplicas { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int UnavailableReplicas { get; init; }

    public int? TerminatingReplicas { get; init; }

    /// <summary>Available, Progressing, ReplicaFailure.</summary>
    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }

    public int? CollisionCount { get; init; }
}
