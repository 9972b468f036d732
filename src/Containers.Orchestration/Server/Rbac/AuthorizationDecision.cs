namespace Containers.Orchestration.Server.Rbac;

/// <summary>An authorizer's answer: allowed or not, and why (the rule or binding that decided).</summary>
public readonly record struct AuthorizationDecision(bool Allowed, string Reason)
{
    public static AuthorizationDecision Allow(string reason) => new(true, reason);

    public static AuthorizationDecision Deny(string reason = "") => new(false, reason);
}
