using Containers.Orchestration.Api;

namespace Containers.Orchestration.Server.Http;

/// <summary>
/// Kubernetes' REST paths: <c>/api/v1/namespaces/{ns}/pods/{name}/status</c> for the core group,
/// <c>/apis/{group}/{version}/…</c> for the others, without the namespace part for cluster-scoped
/// kinds and for lists across all namespaces.
/// </summary>
public static class ApiPaths
{
    /// <summary>The path of a collection (<paramref name="name"/> null) or of one object, optionally of its subresource.</summary>
    public static string For(ResourceType type, string? @namespace, string? name = null, string? subresource = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        var prefix = type.Group.Length == 0 ? $"/api/{type.Version}" : $"/apis/{type.Group}/{type.Version}";
        var scope = type.Namespaced && !string.IsNullOrEmpty(@namespace) ? $"/namespaces/{Uri.EscapeDataString(@namespace)}" : string.Empty;
        var path = $"{prefix}{scope}/{type.Resource}";
        if (!string.IsNullOrEmpty(name))
        {
            path += "/" + Uri.EscapeDataString(name);
            if (!string.IsNullOrEmpty(subresource))
            {
                path += "/" + subresource;
            }
        }

        return path;
    }
}
