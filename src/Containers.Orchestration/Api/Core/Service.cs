using System.Collections.ObjectModel;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Core;

/// <summary>core/v1 Service: a stable name for the pods its selector picks; headless with clusterIP None.</summary>
public sealed record Service() : KubeObject("v1", KindName)
{
    public const string KindName = "Service";

    public ServiceSpec Spec { get => field ??= new(); init; }

    public ServiceStatus Status { get => field ??= new(); init; }
}

public sealed record ServiceSpec
{
    public IReadOnlyList<ServicePort> Ports { get => field ?? []; init; }

    public IReadOnlyDictionary<string, string> Selector { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    /// <summary>An address, or "None" for a headless service.</summary>
    public string? ClusterIP { get; init; }

    public IReadOnlyList<string> ClusterIPs { get => field ?? []; init; }

    /// <summary>ClusterIP (the default), NodePort, LoadBalancer or ExternalName.</summary>
    public string? Type { get; init; }

    public IReadOnlyList<string> ExternalIPs { get => field ?? []; init; }

    /// <summary>None (the default) or ClientIP.</summary>
    public string? SessionAffinity { get; init; }

    public string? LoadBalancerIP { get; init; }

    public IReadOnlyList<string> LoadBalancerSourceRanges { get => field ?? []; init; }

    public string? ExternalName { get; init; }

    public string? ExternalTrafficPolicy { get; init; }

    public string? InternalTrafficPolicy { get; init; }

    public int? HealthCheckNodePort { get; init; }

    public bool? PublishNotReadyAddresses { get; init; }

    public IReadOnlyList<string> IpFamilies { get => field ?? []; init; }

    public string? IpFamilyPolicy { get; init; }

    public bool? AllocateLoadBalancerNodePorts { get; init; }
}

public sealed record ServicePort
{
    /// <summary>Required when the service has more than one port.</summary>
    public string? Name { get; init; }

    /// <summary>TCP by default.</summary>
    public string? Protocol { get; init; }

    public string? AppProtocol { get; init; }

    public int Port { get; init; }

    /// <summary>A number or a container port's name; the port by default.</summary>
    public IntOrString? TargetPort { get; init; }

    public int? NodePort { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ServiceStatus
{
    public LoadBalancerStatus? LoadBalancer { get; init; }

    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record LoadBalancerStatus
{
    public IReadOnlyList<LoadBalancerIngress> Ingress { get => field ?? []; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record LoadBalancerIngress
{
    public string? Ip { get; init; }

    public string? Hostname { get; init; }
}
