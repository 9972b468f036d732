using Containers.Orchestration.Api.Core;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Apps;

/// <summary>apps/v1 ReplicaSet: keeps a number of pods from one template running.</summary>
public sealed record ReplicaSet() : KubeObject(AppsV1.ApiVersion, KindName)
{
    public const string KindName = "ReplicaSet";

    public ReplicaSetSpec Spec { get => field ??= new(); init; }

    public ReplicaSetStatus Status { get => field ??= new(); init; }
}

public sealed record ReplicaSetSpec
{
    /// <summary>1 by default.</summary>
    public int? Replicas { get; init; }

    public int? MinReadySeconds { get; init; }

    /// <summary>Must match the template's labels.</summary>
    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec Template { get => field ??= new(); init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ReplicaSetStatus
{
    public int Replicas { get; init; }

    public int? FullyLabeledReplicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public int? TerminatingReplicas { get; init; }

    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }
}
