using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Server.Authentication;

namespace Containers.Orchestration.Server.Rbac;

/// <summary>
/// Kubernetes' privilege-escalation prevention for the RBAC kinds. A Role or ClusterRole may be
/// created or updated only by a user who already holds every permission in it, at the role's scope
/// (its namespace for a Role, cluster-wide for a ClusterRole), or who may <c>escalate</c> roles. A
/// binding may be created or updated only by a user who holds every permission of the role it
/// refers to, at the binding's scope, or who may <c>bind</c> that role. Members of
/// <c>system:masters</c> pass; changes to only finalizers and owner references pass, so that the
/// garbage collector can always finish a deletion.
/// </summary>
public sealed class RbacEscalationGuard
{
    private readonly IAuthorizer _authorizer;
    private readonly RbacRuleResolver _resolver;

    public RbacEscalationGuard(IAuthorizer authorizer, RbacRuleResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(resolver);
        _authorizer = authorizer;
        _resolver = resolver;
    }

    /// <summary>Throws unless <paramref name="user"/> may write <paramref name="obj"/> (replacing <paramref name="old"/>, if any).</summary>
    /// <exception cref="ForbiddenException">The object would grant what the user does not hold.</exception>
    public async ValueTask CheckAsync(UserInfo user, ResourceType type, KubeObject obj, KubeObject? old, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        if (user.IsInGroup(SystemGroups.Masters) || (old is not null && OnlyGarbageCollectionFieldsChange(obj, old)))
        {
            return;
        }

        switch (obj)
        {
            case Role role:
                if (!await MayEscalateAsync(user, type, role).ConfigureAwait(false))
                {
                    await ConfirmNoEscalationAsync(user, role.Namespace, role.Rules, type, role.Name, cancellationToken).ConfigureAwait(false);
                }

                break;
            case ClusterRole clusterRole:
                var escalate = await MayEscalateAsync(user, type, clusterRole).ConfigureAwait(false);
                if (clusterRole.AggregationRule is not null && !escalate)
                {
                    throw new ForbiddenException(
                        $"{type.GroupResource} \"{clusterRole.Name}\" is forbidden: must have cluster-admin privileges to use the aggregationRule");
                }

                if (!escalate)
                {
                    await ConfirmNoEscalationAsync(user, null, clusterRole.Rules, type, clusterRole.Name, cancellationToken).ConfigureAwait(false);
                }

                break;
            case RoleBinding binding:
                await CheckBindingAsync(user, type, binding.Name, binding.Namespace, binding.RoleRef, cancellationToken).ConfigureAwait(false);
                break;
            case ClusterRoleBinding binding:
                await CheckBindingAsync(user, type, binding.Name, null, binding.RoleRef, cancellationToken).ConfigureAwait(false);
                break;
        }

        async ValueTask<bool> MayEscalateAsync(UserInfo u, ResourceType t, KubeObject role) =>
            (await _authorizer.AuthorizeAsync(AuthorizationAttributes.ForResource(u, "escalate", t, role.Namespace, role.Name), cancellationToken).ConfigureAwait(false)).Allowed;
    }

    private async ValueTask CheckBindingAsync(UserInfo user, ResourceType type, string name, string? @namespace, RoleRef roleRef, CancellationToken cancellationToken)
    {
        var bind = new AuthorizationAttributes(user, "bind")
        {
            ApiGroup = roleRef.ApiGroup,
            Resource = roleRef.Kind switch { Role.KindName => "roles", ClusterRole.KindName => "clusterroles", _ => string.Empty },
            Namespace = @namespace ?? string.Empty,
            Name = roleRef.Name,
        };
        if (bind.Resource.Length > 0 && (await _authorizer.AuthorizeAsync(bind, cancellationToken).ConfigureAwait(false)).Allowed)
        {
            return;
        }

        var rules = await _resolver.RoleReferenceRulesAsync(roleRef, @namespace, cancellationToken).ConfigureAwait(false);
        await ConfirmNoEscalationAsync(user, @namespace, rules, type, name, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ConfirmNoEscalationAsync(UserInfo user, string? @namespace, IReadOnlyList<PolicyRule> rules, ResourceType type, string name, CancellationToken cancellationToken)
    {
        var held = await _resolver.RulesForAsync(user, @namespace, cancellationToken).ConfigureAwait(false);
        if (PolicyRules.Covers(held, rules, out var missing))
        {
            return;
        }

        var groups = string.Join(' ', user.Groups.Select(g => $"\"{g}\""));
        var descriptions = missing.Select(PolicyRules.Describe).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        throw new ForbiddenException(
            $"{type.GroupResource} \"{name}\" is forbidden: user \"{user.Name}\" (groups=[{groups}]) is attempting to grant RBAC permissions not currently held:\n{string.Join('\n', descriptions)}");
    }

    private static bool OnlyGarbageCollectionFieldsChange(KubeObject obj, KubeObject old)
    {
        var normalized = obj with
        {
            Metadata = obj.Metadata with
            {
                Finalizers = old.Metadata.Finalizers,
                OwnerReferences = old.Metadata.OwnerReferences,
                ResourceVersion = old.Metadata.ResourceVersion,
                Generation = old.Metadata.Generation,
                Uid = old.Metadata.Uid,
                CreationTimestamp = old.Metadata.CreationTimestamp,
                DeletionTimestamp = old.Metadata.DeletionTimestamp,
                DeletionGracePeriodSeconds = old.Metadata.DeletionGracePeriodSeconds,
                ManagedFields = old.Metadata.ManagedFields,
            },
        };
        return KubeJson.SemanticEquals(normalized, old);
    }
}
