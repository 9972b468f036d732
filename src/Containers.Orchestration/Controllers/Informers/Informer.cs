using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Controllers.Informers;

/// <summary>
/// Keeps a local, indexed copy of the objects of one kind (client-go's shared informer): it lists
/// them, then watches from the list's resourceVersion, applies each change to its
/// <see cref="Cache"/> and tells its handlers. When the watch ends it watches again from the last
/// revision it saw; when the store answers Gone (the revision was compacted, or the watcher fell
/// behind) it lists again and replaces the cache, telling the handlers what was added, changed or
/// deleted meanwhile. Failures are retried with a doubling delay on the <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class Informer<T> : IInformer
    where T : KubeObject
{
    private readonly IApiClient _client;
    private readonly ResourceType _type;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _dispatch = new();
    private readonly List<InformerHandler<T>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _lastResourceVersion;

    public Informer(IApiClient client, InformerOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _type = client.Registry.Get<T>();
        _options = options ?? InformerOptions.Default;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The objects seen so far; complete once <see cref="HasSynced"/>.</summary>
    public Indexer<T> Cache { get; } = new();

    public ResourceType Type => _type;

    public InformerOptions Options => _options;

    /// <summary>True once the first list is in the cache.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The revision of the last list or change applied to the cache.</summary>
    public string? LastResourceVersion => Volatile.Read(ref _lastResourceVersion);

    /// <summary>Waits until the first list is in the cache.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Adds a handler; one added after objects are cached is first told of each as added, so it
    /// misses nothing.
    /// </summary>
    public void AddEventHandler(InformerHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatch)
        {
            _handlers.Add(handler);
            foreach (var item in Cache.List())
            {
                Invoke(handler.OnAdd, item);
            }
        }
    }

    public IReadOnlyList<KubeObject> Snapshot()
    {
        lock (_dispatch)
        {
            return Cache.List();
        }
    }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await ListAndReplaceAsync(cancellationToken).ConfigureAwait(false);
                var watch = new WatchOptions
                {
                    ResourceVersion = resourceVersion,
                    LabelSelector = _options.LabelSelector,
                    FieldSelector = _options.FieldSelector,
                };
                await foreach (var change in _client.WatchAsync(_type, _options.Namespace, watch, cancellationToken).ConfigureAwait(false))
                {
                    resourceVersion = Apply(change);
                    delay = _options.RetryDelay;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (GoneException e)
            {
                Log.Relisting(_logger, _type.Resource, resourceVersion, e.Message);
                resourceVersion = null;
            }
#pragma warning disable CA1031 // An informer outlives every failure of its source: it logs, waits and starts over.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.Failed(_logger, _type.Resource, delay, e);
                resourceVersion = null;
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = delay * 2 > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay * 2;
            }
        }
    }

    /// <summary>Lists, makes the cache exactly the list, tells the handlers the differences, and returns the list's revision.</summary>
    private async Task<string> ListAndReplaceAsync(CancellationToken cancellationToken)
    {
        var listed = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await _client.ListAsync(
                _type,
                _options.Namespace,
                new ListOptions { LabelSelector = _options.LabelSelector, FieldSelector = _options.FieldSelector, Continue = continueToken },
                cancellationToken).ConfigureAwait(false);
            listed.AddRange(page.Items.Cast<T>());
            continueToken = page.Continue;
            resourceVersion = page.ResourceVersion;
        }
        while (continueToken is not null);

        lock (_dispatch)
        {
            var present = new HashSet<NamespacedName>();
            foreach (var item in listed)
            {
                present.Add(item.Key);
                Upsert(item);
            }

            foreach (var key in Cache.Keys())
            {
                if (!present.Contains(key) && Cache.Remove(key) is { } gone)
                {
                    Notify(h => Invoke(h.OnDelete, gone));
                }
            }

            Volatile.Write(ref _lastResourceVersion, resourceVersion);
        }

        _synced.TrySetResult();
        return resourceVersion;
    }

    private string Apply(WatchEvent change)
    {
        lock (_dispatch)
        {
            switch (change.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified when change.Object is T item:
                    Upsert(item);
                    break;
                case WatchEventType.Deleted when change.Object is T item:
                    if (Cache.Remove(item.Key) is not null)
                    {
                        Notify(h => Invoke(h.OnDelete, item));
                    }

                    break;
                case WatchEventType.Error:
                    throw change.Error ?? new GoneException($"the watch of {_type.Resource} ended with an error event");
            }

            Volatile.Write(ref _lastResourceVersion, change.ResourceVersion);
            return change.ResourceVersion;
        }
    }

    private void Upsert(T item)
    {
        var old = Cache.Upsert(item);
        if (old is null)
        {
            Notify(h => Invoke(h.OnAdd, item));
        }
        else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
        {
            Notify(h => Invoke(h.OnUpdate, old, item));
        }
    }

    private void Notify(Action<InformerHandler<T>> call)
    {
        foreach (var handler in _handlers)
        {
            call(handler);
        }
    }

    private void Invoke(Action<T>? action, T item)
    {
        try
        {
            action?.Invoke(item);
        }
#pragma warning disable CA1031 // One faulty handler must not stop the others or the informer.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, _type.Resource, item.Key, e);
        }
    }

    private void Invoke(Action<T, T>? action, T old, T item)
    {
        try
        {
            action?.Invoke(old, item);
        }
#pragma warning disable CA1031 // One faulty handler must not stop the others or the informer.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, _type.Resource, item.Key, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Listing {Resource} again: the watch from revision {ResourceVersion} is gone ({Reason})")]
        public static partial void Relisting(ILogger logger, string resource, string? resourceVersion, string reason);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Listing or watching {Resource} failed; trying again in {Delay}")]
        public static partial void Failed(ILogger logger, string resource, TimeSpan delay, Exception exception);

        [LoggerMessage(EventId = 8003, Level = LogLevel.Error, Message = "An event handler of the {Resource} informer failed on {Key}")]
        public static partial void HandlerFailed(ILogger logger, string resource, NamespacedName key, Exception exception);
    }
}
