using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Core;

/// <summary>What the node reports about a pod.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PodStatus
{
    /// <summary>See <see cref="PodPhase"/>.</summary>
    public string? Phase { get; init; }

    /// <summary>PodScheduled, Initialized, ContainersReady, Ready.</summary>
    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }

    public string? Message { get; init; }

    /// <summary>Such as Evicted.</summary>
    public string? Reason { get; init; }

    public string? NominatedNodeName { get; init; }

    public string? HostIP { get; init; }

    public string? PodIP { get; init; }

    public IReadOnlyList<PodIP> PodIPs { get => field ?? []; init; }

    public DateTimeOffset? StartTime { get; init; }

    public IReadOnlyList<ContainerStatus> InitContainerStatuses { get => field ?? []; init; }

    public IReadOnlyList<ContainerStatus> ContainerStatuses { get => field ?? []; init; }

    /// <summary>Guaranteed, Burstable or BestEffort.</summary>
    public string? QosClass { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PodIP
{
    public string Ip { get => field ?? string.Empty; init; }
}

/// <summary>The state of one container of a pod.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ContainerStatus
{
    public string Name { get => field ?? string.Empty; init; }

    public ContainerState State { get => field ??= new(); init; }

    public ContainerState LastState { get => field ??= new(); init; }

    public bool Ready { get; init; }

    public int RestartCount { get; init; }

    public string Image { get => field ?? string.Empty; init; }

    public string ImageID { get => field ?? string.Empty; init; }

    public string? ContainerID { get; init; }

    public bool? Started { get; init; }
}

/// <summary>Exactly one of waiting, running or terminated (none: waiting to be created).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ContainerState
{
    public ContainerStateWaiting? Waiting { get; init; }

    public ContainerStateRunning? Running { get; init; }

    public ContainerStateTerminated? Terminated { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ContainerStateWaiting
{
    /// <summary>Such as ContainerCreating, CrashLoopBackOff, ImagePullBackOff.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ContainerStateRunning
{
    public DateTimeOffset? StartedAt { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ContainerStateTerminated
{
    public int ExitCode { get; init; }

    public int? Signal { get; init; }

    /// <summary>Such as Completed, Error, OOMKilled.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? ContainerID { get; init; }
}
