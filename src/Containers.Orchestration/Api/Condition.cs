using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api;

/// <summary>
/// One observation in <c>status.conditions</c>. Kubernetes gives each kind its own condition type
/// with a subset of these timestamps (Deployment: lastUpdateTime, Node: lastHeartbeatTime, Pod and
/// Job: lastProbeTime); one record carrying all of them lets every kind, and the helpers that set
/// conditions, share it.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record Condition
{
    /// <summary>Such as Ready, Available, Progressing, Complete, Failed.</summary>
    public string Type { get => field ?? string.Empty; init; }

    /// <summary>True, False or Unknown.</summary>
    public string Status { get => field ?? string.Empty; init; }

    public long? ObservedGeneration { get; init; }

    public DateTimeOffset? LastProbeTime { get; init; }

    public DateTimeOffset? LastHeartbeatTime { get; init; }

    public DateTimeOffset? LastUpdateTime { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase word for why, such as NewReplicaSetAvailable.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    public bool IsTrue => Status == ConditionStatus.True;
}
