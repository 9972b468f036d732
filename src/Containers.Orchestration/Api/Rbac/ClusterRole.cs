namespace Containers.Orchestration.Api.Rbac;

/// <summary>
/// rbac/v1 ClusterRole (cluster-scoped): rules across namespaces when bound by a
/// ClusterRoleBinding, in one namespace when bound by a RoleBinding.
/// </summary>
public sealed record ClusterRole() : KubeObject(RbacV1.ApiVersion, KindName)
{
    public const string KindName = "ClusterRole";

    public IReadOnlyList<PolicyRule> Rules { get => field ?? []; init; }

    /// <summary>When set, the rules are those of the ClusterRoles the selectors pick (kept up to date by a controller).</summary>
    public AggregationRule? AggregationRule { get; init; }
}

public sealed record AggregationRule
{
    public IReadOnlyList<LabelSelector> ClusterRoleSelectors { get => field ?? []; init; }
}
