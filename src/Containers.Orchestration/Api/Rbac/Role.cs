namespace Containers.Orchestration.Api.Rbac;

/// <summary>rbac/v1 Role: rules that apply in its namespace.</summary>
public sealed record Role() : KubeObject(RbacV1.ApiVersion, KindName)
{
    public const string KindName = "Role";

    public IReadOnlyList<PolicyRule> Rules { get => field ?? []; init; }
}
