namespace Containers.Orchestration.Api.Rbac;

/// <summary>rbac/v1 RoleBinding: grants a Role or ClusterRole to subjects, in the binding's namespace.</summary>
public sealed record RoleBinding() : KubeObject(RbacV1.ApiVersion, KindName)
{
    public const string KindName = "RoleBinding";

    public IReadOnlyList<Subject> Subjects { get => field ?? []; init; }

    /// <summary>Immutable once created.</summary>
    public RoleRef RoleRef { get => field ??= new(); init; }
}
