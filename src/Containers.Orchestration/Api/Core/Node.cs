using System.Collections.ObjectModel;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Core;

/// <summary>core/v1 Node (cluster-scoped): a machine that runs pods, as its agent reports it.</summary>
public sealed record Node() : KubeObject("v1", KindName)
{
    public const string KindName = "Node";

    public NodeSpec Spec { get => field ??= new(); init; }

    public NodeStatus Status { get => field ??= new(); init; }
}

public sealed record NodeSpec
{
    public string? PodCIDR { get; init; }

    public IReadOnlyList<string> PodCIDRs { get => field ?? []; init; }

    public string? ProviderID { get; init; }

    /// <summary>When true, the scheduler places no new pods here (cordon).</summary>
    public bool? Unschedulable { get; init; }

    public IReadOnlyList<Taint> Taints { get => field ?? []; init; }
}

/// <summary>Repels pods that do not tolerate it.</summary>
public sealed record Taint
{
    public string Key { get => field ?? string.Empty; init; }

    public string? Value { get; init; }

    /// <summary>NoSchedule, PreferNoSchedule or NoExecute; see <see cref="TaintEffect"/>.</summary>
    public string Effect { get => field ?? string.Empty; init; }

    public DateTimeOffset? TimeAdded { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record NodeStatus
{
    /// <summary>The node's total resources.</summary>
    public IReadOnlyDictionary<string, Quantity> Capacity { get => field ?? ReadOnlyDictionary<string, Quantity>.Empty; init; }

    /// <summary>What pods may request: capacity less what the system reserves.</summary>
    public IReadOnlyDictionary<string, Quantity> Allocatable { get => field ?? ReadOnlyDictionary<string, Quantity>.Empty; init; }

    public string? Phase { get; init; }

    /// <summary>Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable; heartbeats in lastHeartbeatTime.</summary>
    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }

    public IReadOnlyList<NodeAddress> Addresses { get => field ?? []; init; }

    public NodeSystemInfo? NodeInfo { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record NodeAddress
{
    /// <summary>Hostname, InternalIP, ExternalIP.</summary>
    public string Type { get => field ?? string.Empty; init; }

    public string Address { get => field ?? string.Empty; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record NodeSystemInfo
{
    public string? MachineID { get; init; }

    public string? SystemUUID { get; init; }

    public string? BootID { get; init; }

    public string? KernelVersion { get; init; }

    public string? OsImage { get; init; }

    public string? ContainerRuntimeVersion { get; init; }

    public string? KubeletVersion { get; init; }

    public string? KubeProxyVersion { get; init; }

    public string? OperatingSystem { get; init; }

    public string? Architecture { get; init; }
}
