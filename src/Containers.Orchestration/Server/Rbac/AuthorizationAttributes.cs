using Containers.Orchestration.Api;
using Containers.Orchestration.Server.Authentication;

namespace Containers.Orchestration.Server.Rbac;

/// <summary>
/// What a request asks to do, as an authorizer sees it: a user, a verb, and either a resource
/// (API group, resource, subresource, namespace, name) or a non-resource URL path.
/// </summary>
public sealed record AuthorizationAttributes
{
    public AuthorizationAttributes(UserInfo user, string verb)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(verb);
        User = user;
        Verb = verb;
    }

    public UserInfo User { get; }

    /// <summary>get, list, watch, create, update, patch, delete, deletecollection, or bind, escalate, impersonate.</summary>
    public string Verb { get; }

    public bool IsResourceRequest { get; init; } = true;

    /// <summary>Empty for cluster-scoped resources and for requests across all namespaces.</summary>
    public string Namespace { get; init; } = string.Empty;

    public string ApiGroup { get; init; } = string.Empty;

    public string Resource { get; init; } = string.Empty;

    public string Subresource { get; init; } = string.Empty;

    /// <summary>Empty for lists, watches of a collection and creates, as Kubernetes leaves it.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The URL path of a non-resource request, such as <c>/version</c>.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The request to <paramref name="verb"/> a resource of <paramref name="type"/>.</summary>
    public static AuthorizationAttributes ForResource(UserInfo user, string verb, ResourceType type, string? @namespace, string? name = null, string? subresource = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new AuthorizationAttributes(user, verb)
        {
            ApiGroup = type.Group,
            Resource = type.Resource,
            // As Kubernetes does, a request about one Namespace is a request in that namespace, so that
            // a RoleBinding there can grant reading it.
            Namespace = type.Namespaced ? @namespace ?? string.Empty : type.Resource == "namespaces" ? name ?? string.Empty : string.Empty,
            Name = name ?? string.Empty,
            Subresource = subresource ?? string.Empty,
        };
    }

    /// <summary>The request to <paramref name="verb"/> (get, post…) a URL that names no resource.</summary>
    public static AuthorizationAttributes ForPath(UserInfo user, string verb, string path) =>
        new(user, verb) { IsResourceRequest = false, Path = path };

    /// <summary>The resource with its subresource, as rules name it (<c>pods/status</c>).</summary>
    public string CombinedResource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";

    /// <summary>
    /// Kubernetes' wording of a denial: <c>User "x" cannot list resource "pods" in API group "" in
    /// the namespace "ns"</c>.
    /// </summary>
    public string DescribeDenial()
    {
        if (!IsResourceRequest)
        {
            return $"User \"{User.Name}\" cannot {Verb} path \"{Path}\"";
        }

        return Namespace.Length > 0
            ? $"User \"{User.Name}\" cannot {Verb} resource \"{CombinedResource}\" in API group \"{ApiGroup}\" in the namespace \"{Namespace}\""
            : $"User \"{User.Name}\" cannot {Verb} resource \"{CombinedResource}\" in API group \"{ApiGroup}\" at the cluster scope";
    }

    /// <summary>The whole Forbidden message, as the API server words it for this request.</summary>
    public string ForbiddenMessage(string? reason = null)
    {
        var why = DescribeDenial() + (string.IsNullOrEmpty(reason) ? string.Empty : ": " + reason);
        if (!IsResourceRequest)
        {
            return $"forbidden: {why}";
        }

        var qualified = ApiGroup.Length == 0 ? Resource : $"{Resource}.{ApiGroup}";
        return Name.Length == 0 ? $"{qualified} is forbidden: {why}" : $"{qualified} \"{Name}\" is forbidden: {why}";
    }
}
