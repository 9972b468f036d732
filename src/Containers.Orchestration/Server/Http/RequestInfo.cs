using Containers.Orchestration.Api;

namespace Containers.Orchestration.Server.Http;

/// <summary>
/// What an HTTP request asks for, parsed from its method, path and query as kube-apiserver's
/// RequestInfoFactory does: a resource request (verb, group, version, resource, namespace, name,
/// subresource) or a request for another path (discovery, version, health).
/// </summary>
internal sealed record RequestInfo
{
    private static readonly HashSet<string> NamespaceSubresources = new(StringComparer.Ordinal) { "status", "finalize" };

    public bool IsResourceRequest { get; init; }

    /// <summary>get, list, watch, create, update, patch, delete, deletecollection; for other paths the lowercase method.</summary>
    public required string Verb { get; init; }

    public required string Path { get; init; }

    public string Group { get; init; } = string.Empty;

    public string Version { get; init; } = string.Empty;

    public string Resource { get; init; } = string.Empty;

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Subresource { get; init; }

    /// <summary>The path segments after the API prefix, for discovery paths.</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];

    public static RequestInfo Parse(string method, string path, bool watch)
    {
        var verb = method.ToLowerInvariant();
        var other = new RequestInfo { Verb = verb, Path = path };
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (parts.Length == 0 || parts[0] is not ("api" or "apis"))
        {
            return other;
        }

        string group;
        string version;
        int rest;
        if (parts[0] == "api")
        {
            if (parts.Length < 3)
            {
                return other with { Parts = parts };
            }

            (group, version, rest) = (string.Empty, parts[1], 2);
        }
        else
        {
            if (parts.Length < 4)
            {
                return other with { Parts = parts };
            }

            (group, version, rest) = (parts[1], parts[2], 3);
        }

        var current = parts[rest..];
        string? ns = null;
        if (current[0] == "namespaces" && current.Length > 1)
        {
            ns = current[1];
            if (current.Length > 2 && !NamespaceSubresources.Contains(current[2]))
            {
                current = current[2..];
            }
        }

        var name = current.Length > 1 ? current[1] : null;
        var subresource = current.Length > 2 ? current[2] : null;
        var resourceVerb = verb switch
        {
            "get" or "head" when name is null => watch ? "watch" : "list",
            "get" or "head" => watch ? "watch" : "get",
            "post" => "create",
            "put" => "update",
            "patch" => "patch",
            "delete" when name is null => "deletecollection",
            "delete" => "delete",
            _ => verb,
        };
        return new RequestInfo
        {
            IsResourceRequest = true,
            Verb = resourceVerb,
            Path = path,
            Group = group,
            Version = version,
            Resource = current[0],
            Namespace = ns,
            Name = name,
            Subresource = subresource,
            Parts = current.Length > 3 ? current : [],
        };
    }

    /// <summary>The namespace the object itself lives in (none for a Namespace, which names itself).</summary>
    public string? ObjectNamespace(ResourceType type) => type.Namespaced ? Namespace : null;
}
