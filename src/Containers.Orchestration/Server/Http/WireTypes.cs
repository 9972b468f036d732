using Containers.Orchestration.Controllers.Client;
namespace Containers.Orchestration.Server.Http;

/// <summary>Kubernetes' <c>DeleteOptions</c> as a DELETE request's body carries it.</summary>
internal sealed record DeleteOptionsBody
{
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    public long? GracePeriodSeconds { get; init; }

    public DeletePreconditions? Preconditions { get; init; }

    public bool? OrphanDependents { get; init; }

    public string? PropagationPolicy { get; init; }

    public IReadOnlyList<string>? DryRun { get; init; }
}

internal sealed record DeletePreconditions
{
    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }
}

/// <summary><c>GET /version</c>: the server's version, as kube-apiserver reports it.</summary>
public sealed record VersionInfo
{
    public string Major { get; init; } = "1";

    public string Minor { get; init; } = "31";

    public string GitVersion { get; init; } = "v1.31.0+containers";

    public string GitCommit { get; init; } = string.Empty;

    public string GitTreeState { get; init; } = "clean";

    public string BuildDate { get; init; } = string.Empty;

    public string GoVersion { get; init; } = string.Empty;

    public string Compiler { get; init; } = "dotnet";

    public string Platform { get; init; } = "linux/amd64";
}

/// <summary><c>GET /api</c>.</summary>
internal sealed record ApiVersions
{
    public string Kind { get; init; } = "APIVersions";

    public IReadOnlyList<string> Versions { get; init; } = [];

    public IReadOnlyList<ServerAddressByClientCidr> ServerAddressByClientCIDRs { get; init; } = [];
}

internal sealed record ServerAddressByClientCidr(string ClientCIDR, string ServerAddress);

/// <summary><c>GET /apis</c>.</summary>
internal sealed record ApiGroupList
{
    public string Kind { get; init; } = "APIGroupList";

    public string ApiVersion { get; init; } = "v1";

    public IReadOnlyList<ApiGroup> Groups { get; init; } = [];
}

/// <summary><c>GET /apis/{group}</c>.</summary>
internal sealed record ApiGroup
{
    public string Kind { get; init; } = "APIGroup";

    public string ApiVersion { get; init; } = "v1";

    public required string Name { get; init; }

    public IReadOnlyList<GroupVersionForDiscovery> Versions { get; init; } = [];

    public GroupVersionForDiscovery? PreferredVersion { get; init; }
}

internal sealed record GroupVersionForDiscovery(string GroupVersion, string Version);

/// <summary><c>GET /api/v1</c>, <c>GET /apis/{group}/{version}</c>.</summary>
internal sealed record ApiResourceList
{
    public string Kind { get; init; } = "APIResourceList";

    public string ApiVersion { get; init; } = "v1";

    public required string GroupVersion { get; init; }

    public IReadOnlyList<ApiResource> Resources { get; init; } = [];
}

internal sealed record ApiResource
{
    public required string Name { get; init; }

    public required string SingularName { get; init; }

    public bool Namespaced { get; init; }

    public required string Kind { get; init; }

    public IReadOnlyList<string> Verbs { get; init; } = [];

    public IReadOnlyList<string>? ShortNames { get; init; }
}

/// <summary>
/// Kubernetes' v1 <c>Binding</c>: the body of <c>POST .../pods/{name}/binding</c>, by which a
/// scheduler puts a pod on a node. <c>metadata.uid</c>, when given, must be the pod's.
/// </summary>
internal sealed record BindingBody
{
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    public BindingMetadata? Metadata { get; init; }

    public BindingTarget? Target { get; init; }
}

internal sealed record BindingMetadata
{
    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public string? Uid { get; init; }
}

/// <summary>The node a Binding names (an ObjectReference of kind Node).</summary>
internal sealed record BindingTarget
{
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    public string? Name { get; init; }
}
