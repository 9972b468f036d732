namespace Containers.Orchestration.Api.Rbac;

/// <summary>The rbac.authorization.k8s.io/v1 API group version.</summary>
public static class RbacV1
{
    public const string Group = "rbac.authorization.k8s.io";
    public const string ApiVersion = "rbac.authorization.k8s.io/v1";
}
