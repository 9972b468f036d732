namespace Containers.Orchestration.Api.Rbac;

/// <summary>rbac/v1 ClusterRoleBinding (cluster-scoped): grants a ClusterRole everywhere.</summary>
public sealed record ClusterRoleBinding() : KubeObject(RbacV1.ApiVersion, KindName)
{
    public const string KindName = "ClusterRoleBinding";

    public IReadOnlyList<Subject> Subjects { get => field ?? []; init; }

    public RoleRef RoleRef { get => field ??= new(); init; }
}
