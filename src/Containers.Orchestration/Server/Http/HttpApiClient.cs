using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server.Http;

/// <summary>
/// A client of the Kubernetes REST API as <see cref="ApiHttpServer"/> serves it (kubectl's
/// transport): objects as KubeJson, errors as this platform's exceptions decoded from Status, and
/// watches as a stream of events. The server is <c>http://host:port</c> or <c>unix:/path/to/socket</c>.
/// </summary>
public sealed partial class HttpApiClient : IDisposable
{
    private readonly HttpClient _http;

    public HttpApiClient(Uri server, string? token, ResourceRegistry? registry = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Registry = registry ?? ResourceRegistry.Default;
        Server = server;
        if (server.Scheme == "unix")
        {
            var socket = server.AbsolutePath;
            handler ??= new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(s, ownsSocket: true);
                    }
                    catch
                    {
                        s.Dispose();
                        throw;
                    }
                },
            };
            server = new Uri("http://localhost/");
        }
        else if (server.Scheme is not ("http" or "https"))
        {
            throw new InvalidArgumentException($"server \"{server}\" is not an http://, https:// or unix: address");
        }

        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = server;
        _http.Timeout = Timeout.InfiniteTimeSpan;
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Server { get; }

    public ResourceRegistry Registry { get; }

    public async Task<KubeObject> GetAsync(ResourceType type, NamespacedName name, string? subresource = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, ApiPaths.For(type, name.Namespace, name.Name, subresource), null, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The object, or null when there is none (404).</summary>
    public async Task<KubeObject?> FindAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(type, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public async Task<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var query = new List<string>();
        AddListQuery(query, options?.LabelSelector, options?.FieldSelector, options?.ResourceVersion);
        if (options?.Limit is { } limit)
        {
            query.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        }

        if (options?.Continue is { } token)
        {
            query.Add("continue=" + Uri.EscapeDataString(token));
        }

        using var response = await SendAsync(HttpMethod.Get, WithQuery(ApiPaths.For(type, @namespace), query), null, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var items = new List<KubeObject>();
        if (root.TryGetProperty("items"u8, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                items.Add(KubeJson.Deserialize(Encoding.UTF8.GetBytes(item.GetRawText()), type));
            }
        }

        var metadata = root.TryGetProperty("metadata"u8, out var m) ? m : default;
        string? Text(string property) => metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long? remaining = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("remainingItemCount"u8, out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt64() : null;
        return new ListResult(items, Text("resourceVersion") ?? string.Empty, Text("continue"), remaining);
    }

    public async Task<KubeObject> CreateAsync(KubeObject obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = Registry.Get(obj);
        using var response = await SendAsync(HttpMethod.Post, WithQuery(ApiPaths.For(type, obj.Namespace), WriteQuery(options)), JsonBody(obj), cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KubeObject> UpdateAsync(KubeObject obj, string? subresource = null, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = Registry.Get(obj);
        using var response = await SendAsync(HttpMethod.Put, WithQuery(ApiPaths.For(type, obj.Namespace, obj.Name, subresource), WriteQuery(options)), JsonBody(obj), cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KubeObject> PatchAsync(ResourceType type, NamespacedName name, PatchType patchType, ReadOnlyMemory<byte> patch, string? subresource = null, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var content = new ReadOnlyMemoryContent(patch);
        content.Headers.ContentType = new MediaTypeHeaderValue(patchType switch
        {
            PatchType.Merge => "application/merge-patch+json",
            PatchType.StrategicMerge => "application/strategic-merge-patch+json",
            _ => "application/json-patch+json",
        });
        using var response = await SendAsync(HttpMethod.Patch, WithQuery(ApiPaths.For(type, name.Namespace, name.Name, subresource), WriteQuery(options)), content, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KubeObject> DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var body = new DeleteOptionsBody
        {
            Kind = "DeleteOptions",
            ApiVersion = "v1",
            PropagationPolicy = options?.PropagationPolicy?.ToString(),
            GracePeriodSeconds = options?.GracePeriodSeconds,
            Preconditions = options?.Preconditions is { } p ? new DeletePreconditions { Uid = p.Uid, ResourceVersion = p.ResourceVersion } : null,
            DryRun = options?.DryRun == true ? ["All"] : null,
        };
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, HttpJsonContext.Default.DeleteOptionsBody));
        content.Headers.ContentType = new MediaTypeHeaderValue(ApiRequestHandler.JsonContentType);
        using var response = await SendAsync(HttpMethod.Delete, ApiPaths.For(type, name.Namespace, name.Name), content, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Binds a pod to a node through <c>pods/binding</c>, as kube-scheduler does; with
    /// <paramref name="podUid"/>, only if the pod is still that one.
    /// </summary>
    /// <exception cref="ConflictException">The pod is already on a node, is being deleted, or is not <paramref name="podUid"/> any more.</exception>
    /// <exception cref="NotFoundException">There is no such pod.</exception>
    public async Task BindAsync(NamespacedName pod, string? podUid, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        var body = new BindingBody
        {
            Kind = "Binding",
            ApiVersion = "v1",
            Metadata = new BindingMetadata { Name = pod.Name, Namespace = pod.Namespace, Uid = podUid },
            Target = new BindingTarget { Kind = "Node", ApiVersion = "v1", Name = nodeName },
        };
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, HttpJsonContext.Default.BindingBody));
        content.Headers.ContentType = new MediaTypeHeaderValue(ApiRequestHandler.JsonContentType);
        using var response = await SendAsync(HttpMethod.Post, ApiPaths.For(Registry.Get<Api.Core.Pod>(), pod.Namespace, pod.Name, "binding"), content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The events of a watch; an in-band ERROR ends the stream with the error's exception (<see cref="GoneException"/> for 410).</summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var query = new List<string> { "watch=1" };
        AddListQuery(query, options?.LabelSelector, options?.FieldSelector, options?.ResourceVersion);
        if (options?.AllowBookmarks == true)
        {
            query.Add("allowWatchBookmarks=true");
        }

        using var response = await SendAsync(HttpMethod.Get, WithQuery(ApiPaths.For(type, @namespace), query), null, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            yield return ParseEvent(type, line);
        }
    }

    /// <summary>Reads a document of the API's own (version, discovery) at <paramref name="path"/>.</summary>
    public async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(bytes, typeInfo) ?? throw new InvalidArgumentException($"{path} answered null");
    }

    /// <summary>The server's version (<c>GET /version</c>).</summary>
    public Task<VersionInfo> GetVersionAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("/version", HttpJsonContext.Default.VersionInfo, cancellationToken);

    public void Dispose() => _http.Dispose();

    private static WatchEvent ParseEvent(ResourceType type, string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var kind = root.GetProperty("type"u8).GetString();
        var obj = root.GetProperty("object"u8);
        if (kind == "ERROR")
        {
            throw StatusErrors.ToException(obj.Deserialize(HttpJsonContext.Default.Status) ?? new Status { Code = 500 });
        }

        var eventType = kind switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            _ => throw new InvalidArgumentException($"the server sent a watch event of unknown type \"{kind}\""),
        };
        var resourceVersion = obj.TryGetProperty("metadata"u8, out var meta) && meta.TryGetProperty("resourceVersion"u8, out var rv) ? rv.GetString() ?? string.Empty : string.Empty;
        return eventType == WatchEventType.Bookmark
            ? WatchEvent.Bookmark(resourceVersion)
            : new WatchEvent(eventType, KubeJson.Deserialize(Encoding.UTF8.GetBytes(obj.GetRawText()), type), resourceVersion);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ApiRequestHandler.JsonContentType));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new UnavailableException($"the API server at {Server} does not answer ({e.Message}): is containers cluster serve running there?", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            Status? status = null;
            try
            {
                status = JsonSerializer.Deserialize(body, HttpJsonContext.Default.Status);
            }
            catch (JsonException)
            {
                // Not a Status: described below from the code.
            }

            throw StatusErrors.ToException(status is { Code: > 0 } ? status : new Status
            {
                Outcome = Status.Failure,
                Code = (int)response.StatusCode,
                Reason = response.ReasonPhrase,
                Message = $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}: {Encoding.UTF8.GetString(body)}",
            });
        }
    }

    private static async Task<KubeObject> ReadObjectAsync(HttpResponseMessage response, ResourceType type, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return KubeJson.Deserialize(bytes, type);
    }

    private static ByteArrayContent JsonBody(KubeObject obj)
    {
        var content = new ByteArrayContent(KubeJson.SerializeToUtf8Bytes(obj));
        content.Headers.ContentType = new MediaTypeHeaderValue(ApiRequestHandler.JsonContentType);
        return content;
    }

    private static void AddListQuery(List<string> query, LabelSelector? labels, FieldSelector? fields, string? resourceVersion)
    {
        if (labels is { IsEmpty: false })
        {
            query.Add("labelSelector=" + Uri.EscapeDataString(labels.ToString()));
        }

        if (fields is { IsEmpty: false })
        {
            query.Add("fieldSelector=" + Uri.EscapeDataString(fields.ToString()));
        }

        if (!string.IsNullOrEmpty(resourceVersion))
        {
            query.Add("resourceVersion=" + Uri.EscapeDataString(resourceVersion));
        }
    }

    private static List<string> WriteQuery(WriteOptions? options)
    {
        var query = new List<string>();
        if (options?.DryRun == true)
        {
            query.Add("dryRun=All");
        }

        if (options?.FieldManager is { } manager)
        {
            query.Add("fieldManager=" + Uri.EscapeDataString(manager));
        }

        return query;
    }

    private static string WithQuery(string path, List<string> query) => query.Count == 0 ? path : path + "?" + string.Join('&', query);
}
