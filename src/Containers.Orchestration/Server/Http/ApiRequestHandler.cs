using System.Buffers;
using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;
using Containers.Orchestration.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Containers.Orchestration.Server.Http;

/// <summary>
/// One HTTP request, end to end: authenticate the bearer token, parse the REST path, call the
/// <see cref="ApiServer"/> as that user, and write the object, list, watch stream or Status.
/// </summary>
internal sealed partial class ApiRequestHandler(ApiServer server, ApiHttpServerOptions options, ILogger logger)
{
    public const string JsonContentType = "application/json";

    /// <summary>The address clients reach this server at, for discovery's serverAddressByClientCIDRs.</summary>
    public Uri? ServerAddress { get; set; }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var info = RequestInfo.Parse(request.Method, request.Path.Value ?? "/", IsTrue(request.Query["watch"]));
        ResourceType? type = null;
        try
        {
            var user = await AuthenticateAsync(request).ConfigureAwait(false);
            if (!info.IsResourceRequest)
            {
                await ServeOtherAsync(context, info, user).ConfigureAwait(false);
                return;
            }

            type = ResolveType(info);
            await ServeResourceAsync(context, info, type, user).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e)
        {
            if (e is not (ContainersException or BadHttpRequestException))
            {
                Log.Failed(logger, e, request.Method, info.Path);
            }

            if (context.Response.HasStarted)
            {
                return;
            }

            var status = e is BadHttpRequestException bad
                ? new Status { Outcome = Status.Failure, Code = bad.StatusCode, Reason = bad.StatusCode == 413 ? StatusReasons.RequestEntityTooLarge : StatusReasons.BadRequest, Message = bad.Message }
                : StatusErrors.ToStatus(e, type?.Group, type?.Resource, info.Name);
            await WriteStatusAsync(context, status).ConfigureAwait(false);
        }
    }

    private async ValueTask<UserInfo> AuthenticateAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && header[Bearer.Length..].Trim() is { Length: > 0 } token &&
            await options.Authenticator.AuthenticateAsync(token, request.HttpContext.RequestAborted).ConfigureAwait(false) is { } user)
        {
            return user.WithGroup(SystemGroups.Authenticated);
        }

        throw new UnauthorizedException("Unauthorized");
    }

    private ResourceType ResolveType(RequestInfo info)
    {
        var type = server.Registry.FindResource(info.Group, info.Resource);
        if (type is null || type.Version != info.Version || info.Parts.Count > 0 ||
            (!type.Namespaced && info.Namespace is not null && type.Resource != "namespaces"))
        {
            throw new NotFoundException("the server could not find the requested resource");
        }

        return type;
    }

    private async Task ServeResourceAsync(HttpContext context, RequestInfo info, ResourceType type, UserInfo user)
    {
        var cancellationToken = context.RequestAborted;
        var query = context.Request.Query;
        var ns = info.ObjectNamespace(type);
        if (type.Namespaced && ns is null && info.Name is not null)
        {
            throw new NotFoundException("the server could not find the requested resource");
        }

        var key = info.Name is null ? default : new NamespacedName(ns, info.Name);
        var write = new WriteOptions { DryRun = DryRun(query), FieldManager = query["fieldManager"].ToString() is { Length: > 0 } manager ? manager : null };
        switch (info.Verb)
        {
            case "get":
                var obj = await server.GetAsync(user, type, key, info.Subresource, cancellationToken).ConfigureAwait(false);
                await WriteObjectAsync(context, 200, obj).ConfigureAwait(false);
                break;
            case "list":
                var list = await server.ListAsync(user, type, ns, ListOptionsFrom(query), cancellationToken).ConfigureAwait(false);
                await WriteListAsync(context, type, list.Items, list.ResourceVersion, list.Continue, list.RemainingItemCount).ConfigureAwait(false);
                break;
            case "watch":
                await WatchAsync(context, type, ns, info.Name, user).ConfigureAwait(false);
                break;
            case "create" when info.Name is not null && info.Subresource == "binding" && type.Group.Length == 0 && type.Resource == "pods":
                await BindAsync(context, user, key, write.DryRun).ConfigureAwait(false);
                break;
            case "create" when info.Name is null:
                var created = await server.CreateAsync(user, await ReadObjectAsync(context, type, ns, null).ConfigureAwait(false), write, cancellationToken).ConfigureAwait(false);
                await WriteObjectAsync(context, 201, created).ConfigureAwait(false);
                break;
            case "update" when info.Name is not null:
                var updated = await server.UpdateAsync(user, await ReadObjectAsync(context, type, ns, info.Name).ConfigureAwait(false), info.Subresource, write, cancellationToken).ConfigureAwait(false);
                await WriteObjectAsync(context, 200, updated).ConfigureAwait(false);
                break;
            case "patch" when info.Name is not null:
                var patchType = PatchTypeOf(context.Request.ContentType);
                var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
                var patched = await server.PatchAsync(user, type, key, patchType, body, info.Subresource, write, cancellationToken).ConfigureAwait(false);
                await WriteObjectAsync(context, 200, patched).ConfigureAwait(false);
                break;
            case "delete" when info.Subresource is null:
                var deleteOptions = await DeleteOptionsFromAsync(context.Request).ConfigureAwait(false);
                var deleted = await server.DeleteAsync(user, type, key, deleteOptions, cancellationToken).ConfigureAwait(false);
                var pending = deleted.Metadata.DeletionTimestamp is not null && !deleteOptions.DryRun &&
                    (await server.Store.GetAsync(type, key, cancellationToken).ConfigureAwait(false))?.Metadata.Uid == deleted.Metadata.Uid;
                await WriteObjectAsync(context, pending ? 202 : 200, deleted).ConfigureAwait(false);
                break;
            case "deletecollection":
                var removed = await server.DeleteCollectionAsync(user, type, ns, ListOptionsFrom(query), await DeleteOptionsFromAsync(context.Request).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await WriteListAsync(context, type, removed, string.Empty, null, null).ConfigureAwait(false);
                break;
            default:
                throw new ApiStatusException(new Status
                {
                    Outcome = Status.Failure,
                    Code = 405,
                    Reason = StatusReasons.MethodNotAllowed,
                    Message = $"the server does not allow this method on the requested resource ({context.Request.Method} {info.Path})",
                });
        }
    }

    /// <summary>Decodes a request body as an object of <paramref name="type"/>, in the path's namespace and under the path's name.</summary>
    private async Task<KubeObject> ReadObjectAsync(HttpContext context, ResourceType type, string? ns, string? name)
    {
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        var strict = context.Request.Query["fieldValidation"].ToString() == "Strict";
        var contentType = context.Request.ContentType ?? JsonContentType;
        KubeObject obj;
        if (contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase))
        {
            var documents = KubeYaml.Deserialize(Encoding.UTF8.GetString(body.Span), server.Registry, strict);
            obj = documents.Count == 1 ? documents[0] : throw new InvalidArgumentException($"the body holds {documents.Count} objects: send one");
        }
        else
        {
            obj = KubeJson.Deserialize(body.Span, type, strict);
        }

        if (obj.ApiVersion != type.ApiVersion || obj.Kind != type.Kind)
        {
            throw new InvalidArgumentException(
                $"the body is a {obj.ApiVersion}, Kind={obj.Kind} but the path is for {type.ApiVersion}, Kind={type.Kind}: send the object to its own path");
        }

        if (type.Namespaced)
        {
            if (obj.Namespace is { } bodyNamespace && bodyNamespace != ns)
            {
                throw new InvalidArgumentException("the namespace of the provided object does not match the namespace sent on the request");
            }

            obj = obj with { Metadata = obj.Metadata with { Namespace = ns } };
        }

        if (name is not null)
        {
            if (!string.IsNullOrEmpty(obj.Metadata.Name) && obj.Metadata.Name != name)
            {
                throw new InvalidArgumentException($"the name of the object ({obj.Metadata.Name}) does not match the name on the URL ({name})");
            }

            obj = obj with { Metadata = obj.Metadata with { Name = name } };
        }

        return obj;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static PatchType PatchTypeOf(string? contentType)
    {
        var mediaType = (contentType ?? string.Empty).Split(';')[0].Trim();
        return mediaType switch
        {
            "application/merge-patch+json" => PatchType.Merge,
            "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
            "application/json-patch+json" => PatchType.Json,
            _ => throw new ApiStatusException(new Status
            {
                Outcome = Status.Failure,
                Code = 415,
                Reason = StatusReasons.UnsupportedMediaType,
                Message = $"the body of the request was in an unknown format ({mediaType}): use application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json",
            }),
        };
    }

    private static ListOptions ListOptionsFrom(IQueryCollection query) => new()
    {
        LabelSelector = query["labelSelector"].ToString() is { Length: > 0 } labels ? LabelSelector.Parse(labels) : null,
        FieldSelector = query["fieldSelector"].ToString() is { Length: > 0 } fields ? FieldSelector.Parse(fields) : null,
        Limit = query["limit"].ToString() is { Length: > 0 } limit
            ? int.TryParse(limit, out var n) && n >= 0 ? (n == 0 ? null : n) : throw new InvalidArgumentException($"limit \"{limit}\" is not a non-negative number")
            : null,
        Continue = query["continue"].ToString() is { Length: > 0 } token ? token : null,
        ResourceVersion = query["resourceVersion"].ToString() is { Length: > 0 } version ? version : null,
    };

    private static async Task<DeleteOptions> DeleteOptionsFromAsync(HttpRequest request)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        DeleteOptionsBody? parsed = null;
        if (!body.IsEmpty)
        {
            try
            {
                parsed = JsonSerializer.Deserialize(body.Span, HttpJsonContext.Default.DeleteOptionsBody);
            }
            catch (JsonException e)
            {
                throw new InvalidArgumentException($"the DeleteOptions in the body do not decode: {e.Message}", e);
            }
        }

        var query = request.Query;
        var policyText = query["propagationPolicy"].ToString() is { Length: > 0 } p ? p : parsed?.PropagationPolicy;
        var orphan = query["orphanDependents"].ToString() is { Length: > 0 } o ? IsTrue(o) : parsed?.OrphanDependents == true;
        var grace = query["gracePeriodSeconds"].ToString() is { Length: > 0 } g
            ? long.TryParse(g, out var seconds) ? seconds : throw new InvalidArgumentException($"gracePeriodSeconds \"{g}\" is not a number")
            : parsed?.GracePeriodSeconds;
        PropagationPolicy? policy = policyText switch
        {
            null or "" => orphan ? PropagationPolicy.Orphan : null,
            "Orphan" => PropagationPolicy.Orphan,
            "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            _ => throw new InvalidArgumentException($"propagationPolicy \"{policyText}\" is not one of Orphan, Background, Foreground"),
        };
        return new DeleteOptions
        {
            PropagationPolicy = policy,
            GracePeriodSeconds = grace,
            Preconditions = parsed?.Preconditions is { } pre ? new Preconditions(pre.Uid, pre.ResourceVersion) : null,
            DryRun = DryRun(query) || parsed?.DryRun?.Contains("All") == true,
        };
    }

    private static bool DryRun(IQueryCollection query) => query["dryRun"].ToString() switch
    {
        "" => false,
        "All" => true,
        var other => throw new InvalidArgumentException($"dryRun \"{other}\" is not supported: use dryRun=All"),
    };

    private static bool IsTrue(StringValues value) => value.ToString() is "true" or "1" or "True";

    private static async Task WriteObjectAsync(HttpContext context, int code, KubeObject obj)
    {
        await WriteJsonAsync(context, code, writer => KubeJson.Serialize(writer, obj)).ConfigureAwait(false);
    }

    private static Task WriteListAsync(HttpContext context, ResourceType type, IReadOnlyList<KubeObject> items, string resourceVersion, string? next, long? remaining) =>
        WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("kind"u8, type.ListKind);
            writer.WriteString("apiVersion"u8, type.ApiVersion);
            writer.WriteStartObject("metadata"u8);
            if (resourceVersion.Length > 0)
            {
                writer.WriteString("resourceVersion"u8, resourceVersion);
            }

            if (next is not null)
            {
                writer.WriteString("continue"u8, next);
            }

            if (remaining is { } count)
            {
                writer.WriteNumber("remainingItemCount"u8, count);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("items"u8);
            foreach (var item in items)
            {
                KubeJson.Serialize(writer, item);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    internal static Task WriteStatusAsync(HttpContext context, Status status) =>
        WriteJsonAsync(context, status.Code == 0 ? 500 : status.Code, writer => JsonSerializer.Serialize(writer, status, HttpJsonContext.Default.Status));

    private static async Task WriteJsonAsync(HttpContext context, int code, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8320, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
        public static partial void Failed(ILogger logger, Exception error, string method, string path);
    }
}
