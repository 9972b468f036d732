using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server.Rbac;

/// <summary>
/// Finds the rules that apply to a user in a namespace, as Kubernetes' rule resolver does: those of
/// every ClusterRoleBinding naming the user (or one of its groups, or its service account), and in
/// a namespace also those of the RoleBindings there, a ClusterRole bound by a RoleBinding counting
/// only in that binding's namespace. Reads the RBAC objects from the store on every call.
/// </summary>
public sealed class RbacRuleResolver
{
    private readonly IStateStore _store;
    private readonly ResourceType _roles;
    private readonly ResourceType _clusterRoles;
    private readonly ResourceType _roleBindings;
    private readonly ResourceType _clusterRoleBindings;

    public RbacRuleResolver(IStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _roles = store.Registry.Get<Role>();
        _clusterRoles = store.Registry.Get<ClusterRole>();
        _roleBindings = store.Registry.Get<RoleBinding>();
        _clusterRoleBindings = store.Registry.Get<ClusterRoleBinding>();
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with each rule that applies to <paramref name="user"/> in
    /// <paramref name="namespace"/> (cluster-wide only when empty) and a description of where it
    /// comes from, until <paramref name="visit"/> returns false.
    /// </summary>
    public async ValueTask VisitRulesAsync(UserInfo user, string? @namespace, Func<PolicyRule, string, bool> visit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(visit);
        var clusterBindings = await _store.ListAsync(_clusterRoleBindings, null, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var binding in clusterBindings.Items.Cast<ClusterRoleBinding>())
        {
            if (AppliesTo(user, binding.Subjects, null) &&
                !await VisitRoleAsync(binding.RoleRef, null, $"ClusterRoleBinding \"{binding.Name}\"", user, visit, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        if (string.IsNullOrEmpty(@namespace))
        {
            return;
        }

        var bindings = await _store.ListAsync(_roleBindings, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var binding in bindings.Items.Cast<RoleBinding>())
        {
            if (AppliesTo(user, binding.Subjects, @namespace) &&
                !await VisitRoleAsync(binding.RoleRef, @namespace, $"RoleBinding \"{binding.Name}/{@namespace}\"", user, visit, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Every rule that applies to <paramref name="user"/> in <paramref name="namespace"/>.</summary>
    public async ValueTask<IReadOnlyList<PolicyRule>> RulesForAsync(UserInfo user, string? @namespace, CancellationToken cancellationToken = default)
    {
        var rules = new List<PolicyRule>();
        await VisitRulesAsync(user, @namespace, (rule, _) =>
        {
            rules.Add(rule);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return rules;
    }

    /// <summary>The rules of the role a binding in <paramref name="bindingNamespace"/> refers to.</summary>
    /// <exception cref="NotFoundException">The role does not exist.</exception>
    public async ValueTask<IReadOnlyList<PolicyRule>> RoleReferenceRulesAsync(RoleRef roleRef, string? bindingNamespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roleRef);
        switch (roleRef.Kind)
        {
            case Role.KindName when !string.IsNullOrEmpty(bindingNamespace):
                var role = await _store.GetAsync(_roles, new NamespacedName(bindingNamespace, roleRef.Name), cancellationToken).ConfigureAwait(false) as Role
                    ?? throw new NotFoundException($"roles.{RbacV1.Group} \"{roleRef.Name}\" not found");
                return role.Rules;
            case ClusterRole.KindName:
                var clusterRole = await _store.GetAsync(_clusterRoles, new NamespacedName(null, roleRef.Name), cancellationToken).ConfigureAwait(false) as ClusterRole
                    ?? throw new NotFoundException($"clusterroles.{RbacV1.Group} \"{roleRef.Name}\" not found");
                return clusterRole.Rules;
            default:
                throw new InvalidArgumentException($"roleRef.kind \"{roleRef.Kind}\" is not supported here: use Role (in a RoleBinding) or ClusterRole");
        }
    }

    /// <summary>Whether a binding's subjects name <paramref name="user"/>; service accounts default to the binding's namespace.</summary>
    public static bool AppliesTo(UserInfo user, IReadOnlyList<Subject> subjects, string? bindingNamespace)
    {
        foreach (var subject in subjects)
        {
            var applies = subject.Kind switch
            {
                "User" => string.Equals(user.Name, subject.Name, StringComparison.Ordinal),
                "Group" => user.IsInGroup(subject.Name),
                "ServiceAccount" => (string.IsNullOrEmpty(subject.Namespace) ? bindingNamespace : subject.Namespace) is { Length: > 0 } ns &&
                    string.Equals(user.Name, $"{UserInfo.ServiceAccountPrefix}{ns}:{subject.Name}", StringComparison.Ordinal),
                _ => false,
            };
            if (applies)
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<bool> VisitRoleAsync(RoleRef roleRef, string? @namespace, string binding, UserInfo user, Func<PolicyRule, string, bool> visit, CancellationToken cancellationToken)
    {
        IReadOnlyList<PolicyRule> rules;
        try
        {
            rules = await RoleReferenceRulesAsync(roleRef, @namespace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotFoundException or InvalidArgumentException)
        {
            // A binding to a role that is missing grants nothing; the other bindings still count.
            return true;
        }

        var source = $"{binding} of {roleRef.Kind} \"{roleRef.Name}\" to {user.Name}";
        foreach (var rule in rules)
        {
            if (!visit(rule, source))
            {
                return false;
            }
        }

        return true;
    }
}
