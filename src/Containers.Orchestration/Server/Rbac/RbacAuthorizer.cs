using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server.Rbac;

/// <summary>
/// Kubernetes' RBAC authorizer: deny by default; allow when a rule from a binding that names the
/// user allows the request. Members of <c>system:masters</c> are allowed everything without
/// looking at RBAC objects, as kube-apiserver's privileged-group authorizer does.
/// </summary>
public sealed class RbacAuthorizer : IAuthorizer
{
    public RbacAuthorizer(IStateStore store)
        : this(new RbacRuleResolver(store))
    {
    }

    public RbacAuthorizer(RbacRuleResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        Resolver = resolver;
    }

    public RbacRuleResolver Resolver { get; }

    public async ValueTask<AuthorizationDecision> AuthorizeAsync(AuthorizationAttributes attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.User.IsInGroup(SystemGroups.Masters))
        {
            return AuthorizationDecision.Allow($"{attributes.User.Name} is in {SystemGroups.Masters}");
        }

        string? allowedBy = null;
        await Resolver.VisitRulesAsync(attributes.User, attributes.Namespace, (rule, source) =>
        {
            if (PolicyRules.Allows(rule, attributes))
            {
                allowedBy = source;
                return false;
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        return allowedBy is null ? AuthorizationDecision.Deny() : AuthorizationDecision.Allow($"RBAC: allowed by {allowedBy}");
    }
}
