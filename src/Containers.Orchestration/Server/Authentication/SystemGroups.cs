namespace Containers.Orchestration.Server.Authentication;

/// <summary>The groups Kubernetes gives meaning to.</summary>
public static class SystemGroups
{
    /// <summary>Holds every right, whatever the RBAC objects say.</summary>
    public const string Masters = "system:masters";

    /// <summary>Every authenticated user is in it.</summary>
    public const string Authenticated = "system:authenticated";

    public const string Unauthenticated = "system:unauthenticated";

    /// <summary>Every service account is in it, and in <c>system:serviceaccounts:&lt;namespace&gt;</c>.</summary>
    public const string ServiceAccounts = "system:serviceaccounts";
}
