using Containers.Orchestration.Api.Core;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Apps;

/// <summary>apps/v1 StatefulSet: pods with stable ordinal names and their own claims.</summary>
public sealed record StatefulSet() : KubeObject(AppsV1.ApiVersion, KindName)
{
    public const string KindName = "StatefulSet";

    public StatefulSetSpec Spec { get => field ??= new(); init; }

    public StatefulSetStatus Status { get => field ??= new(); init; }
}

public sealed record StatefulSetSpec
{
    /// <summary>1 by default.</summary>
    public int? Replicas { get; init; }

    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec Template { get => field ??= new(); init; }

    /// <summary>One claim per template per pod, named <c>{template}-{set}-{ordinal}</c>.</summary>
    public IReadOnlyList<PersistentVolumeClaim> VolumeClaimTemplates { get => field ?? []; init; }

    /// <summary>The headless service that gives the pods their DNS names.</summary>
    public string? ServiceName { get; init; }

    /// <summary>OrderedReady (the default) or Parallel.</summary>
    public string? PodManagementPolicy { get; init; }

    public StatefulSetUpdateStrategy UpdateStrategy { get => field ??= new(); init; }

    /// <summary>10 by default.</summary>
    public int? RevisionHistoryLimit { get; init; }

    public int? MinReadySeconds { get; init; }

    public StatefulSetPersistentVolumeClaimRetentionPolicy? PersistentVolumeClaimRetentionPolicy { get; init; }

    public StatefulSetOrdinals? Ordinals { get; init; }
}

public sealed record StatefulSetUpdateStrategy
{
    /// <summary>RollingUpdate (the default) or OnDelete.</summary>
    public string? Type { get; init; }

    public RollingUpdateStatefulSetStrategy? RollingUpdate { get; init; }
}

public sealed record RollingUpdateStatefulSetStrategy
{
    /// <summary>Only ordinals at or above it are updated; 0 by default.</summary>
    public int? Partition { get; init; }

    public IntOrString? MaxUnavailable { get; init; }
}

public sealed record StatefulSetPersistentVolumeClaimRetentionPolicy
{
    /// <summary>Retain (the default) or Delete.</summary>
    public string? WhenDeleted { get; init; }

    public string? WhenScaled { get; init; }
}

public sealed record StatefulSetOrdinals
{
    public int? Start { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record StatefulSetStatus
{
    public long? ObservedGeneration { get; init; }

    public int Replicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? CurrentReplicas { get; init; }

    public int? UpdatedReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public string? CurrentRevision { get; init; }

    public string? UpdateRevision { get; init; }

    public int? CollisionCount { get; init; }

    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }
}
