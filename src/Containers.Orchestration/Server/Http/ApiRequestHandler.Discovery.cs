using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;
using Microsoft.AspNetCore.Http;

namespace Containers.Orchestration.Server.Http;

internal sealed partial class ApiRequestHandler
{
    private static readonly string[] ResourceVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];
    private static readonly string[] BindingVerbs = ["create"];

    /// <summary>The paths that name no resource: health, version and discovery, authorized by nonResourceURLs rules.</summary>
    private async Task ServeOtherAsync(HttpContext context, RequestInfo info, UserInfo user)
    {
        var attributes = AuthorizationAttributes.ForPath(user, info.Verb, info.Path);
        if (!(await server.AuthorizeAsync(attributes, context.RequestAborted).ConfigureAwait(false)).Allowed)
        {
            throw new ForbiddenException(attributes.ForbiddenMessage());
        }

        if (info.Verb is not ("get" or "head"))
        {
            throw new ApiStatusException(new Status { Outcome = Status.Failure, Code = 405, Reason = StatusReasons.MethodNotAllowed, Message = $"{context.Request.Method} is not allowed on {info.Path}" });
        }

        var parts = info.Path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["healthz" or "livez" or "readyz"]:
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
                return;
            case ["version"]:
                await WriteJsonAsync(context, 200, w => JsonSerializer.Serialize(w, options.Version, HttpJsonContext.Default.VersionInfo)).ConfigureAwait(false);
                return;
            case ["api"]:
                var versions = new ApiVersions
                {
                    Versions = ["v1"],
                    ServerAddressByClientCIDRs = [new ServerAddressByClientCidr("0.0.0.0/0", ServerAddress?.Authority ?? string.Empty)],
                };
                await WriteJsonAsync(context, 200, w => JsonSerializer.Serialize(w, versions, HttpJsonContext.Default.ApiVersions)).ConfigureAwait(false);
                return;
            case ["api", var version]:
                await WriteResourceListAsync(context, string.Empty, version).ConfigureAwait(false);
                return;
            case ["apis"]:
                var groups = new ApiGroupList { Groups = [.. Groups().Select(g => GroupDocument(g))] };
                await WriteJsonAsync(context, 200, w => JsonSerializer.Serialize(w, groups, HttpJsonContext.Default.ApiGroupList)).ConfigureAwait(false);
                return;
            case ["apis", var group] when Groups().Contains(group):
                var document = GroupDocument(group);
                await WriteJsonAsync(context, 200, w => JsonSerializer.Serialize(w, document, HttpJsonContext.Default.ApiGroup)).ConfigureAwait(false);
                return;
            case ["apis", var group, var version]:
                await WriteResourceListAsync(context, group, version).ConfigureAwait(false);
                return;
            default:
                throw new NotFoundException("the server could not find the requested resource");
        }
    }

    private IEnumerable<string> Groups() => server.Registry.All.Select(t => t.Group).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private ApiGroup GroupDocument(string group)
    {
        var versions = server.Registry.All.Where(t => t.Group == group).Select(t => t.Version).Distinct(StringComparer.Ordinal)
            .Select(v => new GroupVersionForDiscovery($"{group}/{v}", v)).ToList();
        return new ApiGroup { Name = group, Versions = versions, PreferredVersion = versions[0] };
    }

    private async Task WriteResourceListAsync(HttpContext context, string group, string version)
    {
        var types = server.Registry.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            throw new NotFoundException("the server could not find the requested resource");
        }

        var resources = new List<ApiResource>();
        foreach (var type in types)
        {
            resources.Add(new ApiResource
            {
                Name = type.Resource,
                SingularName = type.Singular,
                Namespaced = type.Namespaced,
                Kind = type.Kind,
                Verbs = ResourceVerbs,
                ShortNames = type.ShortNames.Count > 0 ? type.ShortNames : null,
            });
            if (ObjectParts.HasStatus(type))
            {
                resources.Add(new ApiResource { Name = type.Resource + "/status", SingularName = string.Empty, Namespaced = type.Namespaced, Kind = type.Kind, Verbs = StatusVerbs });
            }

            if (type.Group.Length == 0 && type.Resource == "pods")
            {
                resources.Add(new ApiResource { Name = "pods/binding", SingularName = string.Empty, Namespaced = true, Kind = "Binding", Verbs = BindingVerbs });
            }
        }

        var list = new ApiResourceList { GroupVersion = group.Length == 0 ? version : $"{group}/{version}", Resources = resources };
        await WriteJsonAsync(context, 200, w => JsonSerializer.Serialize(w, list, HttpJsonContext.Default.ApiResourceList)).ConfigureAwait(false);
    }
}
