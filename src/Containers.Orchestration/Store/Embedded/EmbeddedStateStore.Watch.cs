using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store.Embedded;

public sealed partial class EmbeddedStateStore
{
    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        options ??= new WatchOptions();
        var filter = new WatchFilter(type, options.LabelSelector, options.FieldSelector);
        var from = ResourceVersions.ParseOptional(options.ResourceVersion);
        return WatchCoreAsync(StoreKeys.Prefix(type, @namespace), filter, from, options.AllowBookmarks, cancellationToken);
    }

    private async IAsyncEnumerable<WatchEvent> WatchCoreAsync(
        string prefix,
        WatchFilter filter,
        long? from,
        bool bookmarks,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watcher = new Watcher(prefix, Channel.CreateBounded<Change>(new BoundedChannelOptions(_options.WatchBufferSize)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        List<KubeObject>? initial = null;
        List<Change>? history = null;
        long startRevision;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (from is null)
            {
                initial = [.. _keys.GetViewBetween(prefix, prefix + char.MaxValue).Select(k => _objects[k])];
                startRevision = _revision;
            }
            else
            {
                if (from < _history.CompactedRevision)
                {
                    throw StoreObjects.TooOld(from.Value, _history.CompactedRevision);
                }

                // A revision ahead of the store (a client that saw writes a crash lost cannot be here:
                // the store resumed above them) just waits for it.
                history = [.. _history.After(from.Value).Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal))];
                startRevision = Math.Max(from.Value, _revision);
            }

            _watchers.Add(watcher);
        }

        try
        {
            if (initial is not null)
            {
                foreach (var obj in initial)
                {
                    if (filter.Matches(obj))
                    {
                        yield return new WatchEvent(WatchEventType.Added, obj, obj.Metadata.ResourceVersion ?? ResourceVersions.Format(startRevision));
                    }
                }
            }

            foreach (var change in history ?? [])
            {
                if (ToEvent(filter, change) is { } e)
                {
                    yield return e;
                }
            }

            if (bookmarks)
            {
                yield return WatchEvent.Bookmark(ResourceVersions.Format(startRevision));
            }

            while (await watcher.Channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (watcher.Channel.Reader.TryRead(out var change))
                {
                    if (change.Revision > startRevision && ToEvent(filter, change) is { } e)
                    {
                        yield return e;
                    }
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    private static WatchEvent? ToEvent(WatchFilter filter, Change change) =>
        filter.Apply(change.Previous, change.Current, change.Deleted, ResourceVersions.Format(change.Revision));

    /// <summary>Hands a change to every watcher of its prefix, under the lock; a full watcher is dropped, never waited for.</summary>
    private void Dispatch(Change change)
    {
        for (var i = _watchers.Count - 1; i >= 0; i--)
        {
            var watcher = _watchers[i];
            if (!change.Key.StartsWith(watcher.Prefix, StringComparison.Ordinal) || watcher.Channel.Writer.TryWrite(change))
            {
                continue;
            }

            _watchers.RemoveAt(i);
            Log.WatcherDropped(_logger, watcher.Prefix, _options.WatchBufferSize, change.Revision);
            watcher.Channel.Writer.TryComplete(new GoneException(
                $"the watch of {watcher.Prefix} fell more than {_options.WatchBufferSize} events behind at revision {change.Revision} and was closed: list again and watch from the list's resourceVersion"));
        }
    }

    private sealed record Watcher(string Prefix, Channel<Change> Channel);
}
