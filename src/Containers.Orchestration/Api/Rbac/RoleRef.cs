namespace Containers.Orchestration.Api.Rbac;

/// <summary>The Role or ClusterRole a binding grants.</summary>
public sealed record RoleRef
{
    public string ApiGroup { get => field ?? string.Empty; init; }

    /// <summary>Role or ClusterRole.</summary>
    public string Kind { get => field ?? string.Empty; init; }

    public string Name { get => field ?? string.Empty; init; }
}
