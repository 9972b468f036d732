using Containers.Orchestration.Api.Core;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Apps;

/// <summary>apps/v1 DaemonSet: one pod on every eligible node.</summary>
public sealed record DaemonSet() : KubeObject(AppsV1.ApiVersion, KindName)
{
    public const string KindName = "DaemonSet";

    public DaemonSetSpec Spec { get => field ??= new(); init; }

    public DaemonSetStatus Status { get => field ??= new(); init; }
}

public sealed record DaemonSetSpec
{
    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec Template { get => field ??= new(); init; }

    public DaemonSetUpdateStrategy UpdateStrategy { get => field ??= new(); init; }

    public int? MinReadySeconds { get; init; }

    /// <summary>10 by default.</summary>
    public int? RevisionHistoryLimit { get; init; }
}

public sealed record DaemonSetUpdateStrategy
{
    /// <summary>RollingUpdate (the default) or OnDelete.</summary>
    public string? Type { get; init; }

    public RollingUpdateDaemonSet? RollingUpdate { get; init; }
}

public sealed record RollingUpdateDaemonSet
{
    /// <summary>1 by default.</summary>
    public IntOrString? MaxUnavailable { get; init; }

    /// <summary>0 by default.</summary>
    public IntOrString? MaxSurge { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record DaemonSetStatus
{
    public int CurrentNumberScheduled { get; init; }

    public int NumberMisscheduled { get; init; }

    public int DesiredNumberScheduled { get; init; }

    public int NumberReady { get; init; }

    public long? ObservedGeneration { get; init; }

    public int? UpdatedNumberScheduled { get; init; }

    public int? NumberAvailable { get; init; }

    public int? NumberUnavailable { get; init; }

    public int? CollisionCount { get; init; }

    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }
}
