namespace Containers.Orchestration.Api.Rbac;

/// <summary>Who a binding grants to: a User, a Group, or a ServiceAccount (with its namespace).</summary>
public sealed record Subject
{
    public string Kind { get => field ?? string.Empty; init; }

    /// <summary>rbac.authorization.k8s.io for User and Group; empty for ServiceAccount.</summary>
    public string? ApiGroup { get; init; }

    public string Name { get => field ?? string.Empty; init; }

    public string? Namespace { get; init; }
}
