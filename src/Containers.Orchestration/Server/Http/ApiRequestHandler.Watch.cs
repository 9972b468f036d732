using System.Buffers;
using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store;
using Microsoft.AspNetCore.Http;

namespace Containers.Orchestration.Server.Http;

internal sealed partial class ApiRequestHandler
{
    /// <summary>
    /// <c>?watch=true</c>: one JSON event per line (<c>{"type":"ADDED","object":{…}}</c>), flushed as
    /// it happens, until the client leaves or <c>timeoutSeconds</c> pass. A failure once streaming
    /// (such as a compacted resourceVersion) is sent in-band as an ERROR event carrying a Status.
    /// </summary>
    private async Task WatchAsync(HttpContext context, ResourceType type, string? ns, string? name, UserInfo user)
    {
        var query = context.Request.Query;
        var list = ListOptionsFrom(query);
        var fields = list.FieldSelector;
        if (name is not null)
        {
            var byName = FieldSelector.Equal("metadata.name", name);
            fields = fields is null ? byName : fields.And(byName);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (query["timeoutSeconds"].ToString() is { Length: > 0 } text)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(long.TryParse(text, out var seconds) && seconds >= 0
                ? seconds
                : throw new InvalidArgumentException($"timeoutSeconds \"{text}\" is not a non-negative number")));
        }

        var events = await server.WatchAsync(user, type, ns, new WatchOptions
        {
            ResourceVersion = list.ResourceVersion,
            LabelSelector = list.LabelSelector,
            FieldSelector = fields,
            AllowBookmarks = IsTrue(query["allowWatchBookmarks"]),
        }, timeout.Token).ConfigureAwait(false);

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = JsonContentType;
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            await foreach (var e in events.WithCancellation(timeout.Token).ConfigureAwait(false))
            {
                buffer.ResetWrittenCount();
                WriteEvent(buffer, type, e);
                await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Timed out or the client left: the stream just ends.
        }
        catch (ContainersException error) when (!context.RequestAborted.IsCancellationRequested)
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "ERROR");
                writer.WritePropertyName("object"u8);
                JsonSerializer.Serialize(writer, StatusErrors.ToStatus(error, type.Group, type.Resource, name), HttpJsonContext.Default.Status);
                writer.WriteEndObject();
            }

            buffer.Write("\n"u8);
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static void WriteEvent(ArrayBufferWriter<byte> buffer, ResourceType type, WatchEvent e)
    {
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, e.Type switch
            {
                WatchEventType.Added => "ADDED",
                WatchEventType.Modified => "MODIFIED",
                WatchEventType.Deleted => "DELETED",
                WatchEventType.Bookmark => "BOOKMARK",
                _ => "ERROR",
            });
            writer.WritePropertyName("object"u8);
            if (e.Object is { } obj)
            {
                KubeJson.Serialize(writer, obj);
            }
            else
            {
                writer.WriteStartObject();
                writer.WriteString("kind"u8, type.Kind);
                writer.WriteString("apiVersion"u8, type.ApiVersion);
                writer.WriteStartObject("metadata"u8);
                writer.WriteString("resourceVersion"u8, e.ResourceVersion);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }
}
