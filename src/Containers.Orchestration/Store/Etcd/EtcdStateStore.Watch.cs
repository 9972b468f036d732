using System.Runtime.CompilerServices;
using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Etcdserverpb;

namespace Containers.Orchestration.Store.Etcd;

public sealed partial class EtcdStateStore
{
    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        options ??= new WatchOptions();
        var filter = new WatchFilter(type, options.LabelSelector, options.FieldSelector);
        var from = ResourceVersions.ParseOptional(options.ResourceVersion);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return WatchCoreAsync(type, StoreKeys.Prefix(type, @namespace, _options.Prefix), filter, from, options.AllowBookmarks, cancellationToken);
    }

    private async IAsyncEnumerable<WatchEvent> WatchCoreAsync(
        ResourceType type,
        string prefix,
        WatchFilter filter,
        long? from,
        bool bookmarks,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var token = linked.Token;
        (List<WatchEvent> Events, long After, long? BookmarkAt) start;
        try
        {
            start = await StartWatchAsync(type, prefix, filter, from, bookmarks, token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsEndOfWatch(e, cancellationToken))
        {
            yield break;
        }

        foreach (var e in start.Events)
        {
            yield return e;
        }

        var after = start.After;
        if (start.BookmarkAt is { } bookmarkAt)
        {
            // The history up to the bookmark comes from a watch of every key: every revision is some
            // key's change, so seeing the bookmark's revision there proves all of ours before it came.
            var ours = EtcdKeys.From(prefix);
            await using (var history = EtcdWatchStream.OfEverything(_etcd, after, _options.WatchRetryTimeout, _time, _logger))
            {
                while (history.Seen < bookmarkAt)
                {
                    IReadOnlyList<Mvccpb.Event> changes;
                    try
                    {
                        changes = await history.NextAsync(token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (IsEndOfWatch(e, cancellationToken))
                    {
                        yield break;
                    }

                    foreach (var change in changes)
                    {
                        if (change.Kv.ModRevision <= bookmarkAt && change.Kv.Key.Span.StartsWith(ours.Span) && ToEvent(type, filter, change) is { } e)
                        {
                            yield return e;
                        }
                    }
                }
            }

            yield return WatchEvent.Bookmark(ResourceVersions.Format(bookmarkAt));
            after = bookmarkAt;
        }

        await using var stream = EtcdWatchStream.OfPrefix(_etcd, prefix, after, _options.WatchRetryTimeout, _time, _logger);
        while (true)
        {
            IReadOnlyList<Mvccpb.Event> changes;
            try
            {
                changes = await stream.NextAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsEndOfWatch(e, cancellationToken))
            {
                yield break;
            }

            foreach (var change in changes)
            {
                if (ToEvent(type, filter, change) is { } e)
                {
                    yield return e;
                }
            }
        }
    }

    /// <summary>
    /// The events a watch sends before etcd's (the current objects, when it starts at no revision;
    /// a bookmark when one is due at once), the revision after which etcd's start, and the revision
    /// a bookmark waits for.
    /// </summary>
    private async Task<(List<WatchEvent> Events, long After, long? BookmarkAt)> StartWatchAsync(
        ResourceType type, string prefix, WatchFilter filter, long? from, bool bookmarks, CancellationToken cancellationToken)
    {
        var events = new List<WatchEvent>();
        if (from is null)
        {
            // The current objects as Added, then the changes after the revision they were read at.
            var listed = await CallAsync(
                    () => _etcd.Client.GetAsync(new RangeRequest { Key = EtcdKeys.From(prefix), RangeEnd = EtcdKeys.RangeEnd(prefix) }, cancellationToken: cancellationToken),
                    $"watch {type.GroupResource}")
                .ConfigureAwait(false);
            foreach (var kv in listed.Kvs)
            {
                var obj = Decode(type, kv);
                if (filter.Matches(obj))
                {
                    events.Add(new WatchEvent(WatchEventType.Added, obj, obj.Metadata.ResourceVersion!));
                }
            }

            if (bookmarks)
            {
                events.Add(WatchEvent.Bookmark(ResourceVersions.Format(listed.Header.Revision)));
            }

            return (events, listed.Header.Revision, null);
        }

        // etcd would still send the changes after a compacted revision if their own revisions
        // survive; Kubernetes' contract is that the state at the start revision must be known.
        var current = await RevisionIfKeptAsync(type, prefix, from.Value, cancellationToken).ConfigureAwait(false);
        if (bookmarks && current <= from.Value)
        {
            events.Add(WatchEvent.Bookmark(ResourceVersions.Format(from.Value)));
            return (events, from.Value, null);
        }

        return (events, from.Value, bookmarks ? current : null);
    }

    /// <summary>A watch ends quietly when the store is disposed; the caller's own cancellation still throws.</summary>
    private bool IsEndOfWatch(Exception e, CancellationToken callerToken) =>
        e is OperationCanceledException or ObjectDisposedException && _disposed != 0 && !callerToken.IsCancellationRequested;

    /// <summary>The current revision, after checking that the state at <paramref name="revision"/> is not compacted.</summary>
    private async Task<long> RevisionIfKeptAsync(ResourceType type, string prefix, long revision, CancellationToken cancellationToken)
    {
        try
        {
            var response = await CallAsync(
                    () => _etcd.Client.GetAsync(new RangeRequest { Key = EtcdKeys.From(prefix), RangeEnd = EtcdKeys.RangeEnd(prefix), Revision = revision, CountOnly = true }, cancellationToken: cancellationToken),
                    $"watch {type.GroupResource} from resourceVersion {revision}")
                .ConfigureAwait(false);
            return response.Header.Revision;
        }
        catch (UnavailableException e) when (e.InnerException is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.OutOfRange })
        {
            // A revision etcd has not reached yet: the watch waits for it, as the embedded store's does.
            return revision;
        }
    }

    private WatchEvent? ToEvent(ResourceType type, WatchFilter filter, Mvccpb.Event change)
    {
        var revision = change.Kv.ModRevision;
        var rv = ResourceVersions.Format(revision);
        if (change.Type == Mvccpb.Event.Types.EventType.Delete)
        {
            var last = change.PrevKv is { } prev ? Decode(type, prev) : Placeholder(type, change.Kv.Key.ToStringUtf8());
            return filter.Apply(last, null, StoreObjects.AsDeleted(last, revision), rv);
        }

        var current = Decode(type, change.Kv);
        KubeObject? previous = change.Kv.Version == 1 ? null
            : filter.IsEverything || change.PrevKv is null ? current
            : Decode(type, change.PrevKv);
        return filter.Apply(previous, current, null, rv);
    }

    /// <summary>
    /// An object with only a name, for a delete whose previous value etcd no longer has (compacted
    /// between the write and the watch reading it).
    /// </summary>
    private KubeObject Placeholder(ResourceType type, string key)
    {
        var path = key.AsSpan(StoreKeys.Prefix(type, null, _options.Prefix).Length);
        var slash = path.IndexOf('/');
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", type.ApiVersion);
            writer.WriteString("kind", type.Kind);
            writer.WriteStartObject("metadata");
            writer.WriteString("name", slash < 0 ? path : path[(slash + 1)..]);
            if (slash >= 0)
            {
                writer.WriteString("namespace", path[..slash]);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return KubeJson.Deserialize(buffer.ToArray(), type);
    }
}
