using System.Collections.ObjectModel;
using System.Text.Json;

namespace Containers.Orchestration.Api.Core;

/// <summary>What a pod runs and where it may run.</summary>
/// <remarks>
/// Affinity, topology spread constraints and DNS config are kept as JSON (accepted, stored and
/// written back) until the scheduler interprets them.
/// </remarks>
public sealed record PodSpec
{
    public IReadOnlyList<Volume> Volumes { get => field ?? []; init; }

    public IReadOnlyList<Container> InitContainers { get => field ?? []; init; }

    public IReadOnlyList<Container> Containers { get => field ?? []; init; }

    /// <summary>
    /// Pod-level requests and limits (cpu, memory, hugepages-*): a budget the containers share.
    /// Where set, they are the pod's requests for scheduling and decide its QoS class.
    /// </summary>
    public ResourceRequirements? Resources { get; init; }

    /// <summary>Always (the default), OnFailure or Never; see <see cref="RestartPolicy"/>.</summary>
    public string? RestartPolicy { get; init; }

    /// <summary>Seconds between SIGTERM and SIGKILL; 30 by default.</summary>
    public long? TerminationGracePeriodSeconds { get; init; }

    public long? ActiveDeadlineSeconds { get; init; }

    /// <summary>ClusterFirst by default.</summary>
    public string? DnsPolicy { get; init; }

    public IReadOnlyDictionary<string, string> NodeSelector { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    public string? ServiceAccountName { get; init; }

    /// <summary>Deprecated alias of <see cref="ServiceAccountName"/>.</summary>
    public string? ServiceAccount { get; init; }

    public bool? AutomountServiceAccountToken { get; init; }

    /// <summary>The node the pod is bound to; set by the scheduler's binding.</summary>
    public string? NodeName { get; init; }

    public bool? HostNetwork { get; init; }

    public bool? HostPID { get; init; }

    public bool? HostIPC { get; init; }

    /// <summary>False runs the pod in its own user namespace; true (the default) shares the host's.</summary>
    public bool? HostUsers { get; init; }

    public bool? ShareProcessNamespace { get; init; }

    public PodSecurityContext? SecurityContext { get; init; }

    public IReadOnlyList<LocalObjectReference> ImagePullSecrets { get => field ?? []; init; }

    public string? Hostname { get; init; }

    public string? Subdomain { get; init; }

    public JsonElement? Affinity { get; init; }

    public string? SchedulerName { get; init; }

    /// <summary>While any gate is listed the scheduler leaves the pod alone; gates can only be removed.</summary>
    public IReadOnlyList<PodSchedulingGate> SchedulingGates { get => field ?? []; init; }

    public IReadOnlyList<Toleration> Tolerations { get => field ?? []; init; }

    public IReadOnlyList<HostAlias> HostAliases { get => field ?? []; init; }

    public string? PriorityClassName { get; init; }

    public int? Priority { get; init; }

    public JsonElement? DnsConfig { get; init; }

    public IReadOnlyList<PodReadinessGate> ReadinessGates { get => field ?? []; init; }

    public string? RuntimeClassName { get; init; }

    public bool? EnableServiceLinks { get; init; }

    public string? PreemptionPolicy { get; init; }

    public IReadOnlyList<JsonElement> TopologySpreadConstraints { get => field ?? []; init; }

    public bool? SetHostnameAsFQDN { get; init; }

    public PodOS? Os { get; init; }
}

/// <summary>An extra line in the pod's /etc/hosts.</summary>
public sealed record HostAlias
{
    public string? Ip { get; init; }

    public IReadOnlyList<string> Hostnames { get => field ?? []; init; }
}

/// <summary>A pod condition that must be true, besides the containers', for the pod to be Ready.</summary>
public sealed record PodReadinessGate
{
    public string ConditionType { get => field ?? string.Empty; init; }
}

/// <summary>The operating system the pod needs (linux).</summary>
public sealed record PodOS
{
    public string Name { get => field ?? string.Empty; init; }
}

/// <summary>A named condition that holds a pod back from scheduling until it is removed.</summary>
public sealed record PodSchedulingGate
{
    public string Name { get => field ?? string.Empty; init; }
}
