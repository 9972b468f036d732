using System.Text;
using Containers.Orchestration.Api.Rbac;

namespace Containers.Orchestration.Server.Rbac;

/// <summary>
/// Kubernetes' RBAC rule semantics: whether a rule allows a request, and whether one set of rules
/// covers another (the escalation check). "*" matches every verb, group, resource or URL; a rule's
/// <c>pods</c> does not reach <c>pods/status</c>, but <c>*/status</c> does; a rule without
/// resourceNames holds for every name; a URL rule ending in '*' matches by prefix.
/// </summary>
public static class PolicyRules
{
    public const string All = "*";

    public static bool Allows(PolicyRule rule, AuthorizationAttributes request)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(request);
        if (!VerbMatches(rule, request.Verb))
        {
            return false;
        }

        return request.IsResourceRequest
            ? Has(rule.ApiGroups, request.ApiGroup) &&
              ResourceMatches(rule, request.CombinedResource, request.Subresource) &&
              (rule.ResourceNames.Count == 0 || rule.ResourceNames.Contains(request.Name, StringComparer.Ordinal))
            : rule.NonResourceURLs.Any(url => UrlCovers(url, request.Path));
    }

    /// <summary>
    /// True when <paramref name="owner"/> holds every permission of <paramref name="servant"/>;
    /// <paramref name="uncovered"/> are the servant's permissions, broken down to one verb, group,
    /// resource and name each, that no owner rule holds.
    /// </summary>
    public static bool Covers(IReadOnlyCollection<PolicyRule> owner, IEnumerable<PolicyRule> servant, out IReadOnlyList<PolicyRule> uncovered)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(servant);
        var missing = new List<PolicyRule>();
        foreach (var sub in servant.SelectMany(Breakdown))
        {
            if (!owner.Any(o => RuleCovers(o, sub)))
            {
                missing.Add(sub);
            }
        }

        uncovered = missing;
        return missing.Count == 0;
    }

    /// <summary>A rule as one rule per verb, group, resource and name (and per verb and URL).</summary>
    public static IEnumerable<PolicyRule> Breakdown(PolicyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        foreach (var group in rule.ApiGroups)
        {
            foreach (var resource in rule.Resources)
            {
                foreach (var verb in rule.Verbs)
                {
                    if (rule.ResourceNames.Count == 0)
                    {
                        yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb] };
                        continue;
                    }

                    foreach (var name in rule.ResourceNames)
                    {
                        yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb], ResourceNames = [name] };
                    }
                }
            }
        }

        foreach (var url in rule.NonResourceURLs)
        {
            foreach (var verb in rule.Verbs)
            {
                yield return new PolicyRule { NonResourceURLs = [url], Verbs = [verb] };
            }
        }
    }

    /// <summary>Kubernetes' compact form, <c>{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}</c>.</summary>
    public static string Describe(PolicyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var parts = new List<string>();
        Add("APIGroups", rule.ApiGroups);
        Add("Resources", rule.Resources);
        Add("ResourceNames", rule.ResourceNames);
        Add("NonResourceURLs", rule.NonResourceURLs);
        Add("Verbs", rule.Verbs);
        return "{" + string.Join(", ", parts) + "}";

        void Add(string name, IReadOnlyList<string> values)
        {
            if (values.Count > 0 || name is "APIGroups" && rule.Resources.Count > 0)
            {
                var sb = new StringBuilder(name).Append(":[");
                sb.AppendJoin(", ", values.Select(v => $"\"{v}\"")).Append(']');
                parts.Add(sb.ToString());
            }
        }
    }

    private static bool RuleCovers(PolicyRule owner, PolicyRule sub) =>
        (owner.Verbs.Contains(All) || HasAll(owner.Verbs, sub.Verbs)) &&
        (owner.ApiGroups.Contains(All) || HasAll(owner.ApiGroups, sub.ApiGroups)) &&
        ResourcesCoverAll(owner.Resources, sub.Resources) &&
        sub.NonResourceURLs.All(u => owner.NonResourceURLs.Any(o => UrlCovers(o, u))) &&
        (owner.ResourceNames.Count == 0 || (sub.ResourceNames.Count > 0 && HasAll(owner.ResourceNames, sub.ResourceNames)));

    private static bool ResourcesCoverAll(IReadOnlyList<string> owner, IReadOnlyList<string> servant)
    {
        if (owner.Contains(All))
        {
            return true;
        }

        foreach (var resource in servant)
        {
            if (owner.Contains(resource, StringComparer.Ordinal))
            {
                continue;
            }

            var slash = resource.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && owner.Contains(All + resource[slash..], StringComparer.Ordinal))
            {
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool VerbMatches(PolicyRule rule, string verb) => Has(rule.Verbs, verb);

    private static bool Has(IReadOnlyList<string> values, string value)
    {
        foreach (var v in values)
        {
            if (v == All || string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ResourceMatches(PolicyRule rule, string combined, string subresource)
    {
        foreach (var r in rule.Resources)
        {
            if (r == All || string.Equals(r, combined, StringComparison.Ordinal))
            {
                return true;
            }

            if (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool UrlCovers(string owner, string requested) =>
        owner == All || string.Equals(owner, requested, StringComparison.Ordinal) ||
        (owner.EndsWith('*') && requested.StartsWith(owner.TrimEnd('*'), StringComparison.Ordinal));

    private static bool HasAll(IReadOnlyList<string> set, IReadOnlyList<string> values) => values.All(v => set.Contains(v, StringComparer.Ordinal));
}
