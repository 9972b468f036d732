using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Store.Embedded.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Store.Embedded;

/// <summary>
/// The store that runs in the process: objects in memory, sorted by key, with a bounded history of
/// writes for watches and reads at earlier revisions; optionally persisted to a data directory
/// (write-ahead log with group commit, periodic snapshots) so that it survives a restart.
/// </summary>
/// <remarks>
/// One lock orders every write, so revisions are contiguous and watchers get events in revision
/// order. A write becomes visible to readers and watchers when applied, and is acknowledged to its
/// writer once durable. A crash can lose writes that were never acknowledged (but may have been
/// seen); the store then resumes <see cref="EmbeddedStateStoreOptions.MaxPendingWrites"/> revisions
/// above its last durable one, with no history, so every client's watch is Gone and it relists
/// rather than trusting a resourceVersion the store might hand out again.
/// </remarks>
public sealed partial class EmbeddedStateStore : IStateStore, ICompactableStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, KubeObject> _objects = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly ChangeHistory _history;
    private readonly List<Watcher> _watchers = [];
    private readonly EmbeddedStateStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim? _pendingWrites;
    private DataDirectoryLock? _directoryLock;
    private WriteAheadLog? _log;
    private long _revision;
    private bool _disposed;

    private EmbeddedStateStore(EmbeddedStateStoreOptions options, ResourceRegistry registry, TimeProvider time, ILogger logger)
    {
        if (options.HistoryLimit < 1 || options.WatchBufferSize < 1 || options.SnapshotAfterRecords < 1 || options.MaxPendingWrites < 1)
        {
            throw new InvalidArgumentException("embedded store options: HistoryLimit, WatchBufferSize, SnapshotAfterRecords and MaxPendingWrites must be at least 1");
        }

        _options = options;
        Registry = registry;
        _time = time;
        _logger = logger;
        _history = new ChangeHistory(options.HistoryLimit);

        // Like etcd, a new store is at revision 1: "0" means "any version" to clients, never a real one.
        _revision = 1;
        _history.Reset(_revision);
        _pendingWrites = options.DataDirectory is null ? null : new SemaphoreSlim(options.MaxPendingWrites);
    }

    public ResourceRegistry Registry { get; }

    /// <summary>The newest revision (for tests and diagnostics).</summary>
    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>A store in memory only.</summary>
    public static EmbeddedStateStore CreateInMemory(ResourceRegistry? registry = null, TimeProvider? timeProvider = null, EmbeddedStateStoreOptions? options = null) =>
        new(options is null ? new EmbeddedStateStoreOptions() : CopyWithoutDirectory(options), registry ?? ResourceRegistry.Default, timeProvider ?? TimeProvider.System, NullLogger.Instance);

    /// <summary>
    /// Opens a store: in memory when <see cref="EmbeddedStateStoreOptions.DataDirectory"/> is null,
    /// else from that directory (created if missing), replaying its snapshot and log.
    /// </summary>
    /// <exception cref="FailedPreconditionException">Another store holds the directory, or the snapshot is damaged, or holds a kind the registry does not know.</exception>
    public static async ValueTask<EmbeddedStateStore> OpenAsync(
        EmbeddedStateStoreOptions? options = null,
        ResourceRegistry? registry = null,
        TimeProvider? timeProvider = null,
        ILogger<EmbeddedStateStore>? logger = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedStateStoreOptions();
        var store = new EmbeddedStateStore(options, registry ?? ResourceRegistry.Default, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance);
        if (options.DataDirectory is { } directory)
        {
            store._directoryLock = DataDirectoryLock.Acquire(directory);
            try
            {
                await Task.Run(() => store.Recover(directory), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return store;
    }

    private void Recover(string directory)
    {
        var state = WriteAheadLog.Recover(directory, _logger);
        foreach (var (key, json) in state.Objects)
        {
            KubeObject obj;
            try
            {
                obj = KubeJson.Deserialize(json.Span, Registry);
            }
            catch (InvalidArgumentException e)
            {
                throw new FailedPreconditionException($"the store in {directory} holds {key}, which this process cannot read ({e.Message}): open it with a registry that has that kind", e);
            }

            _objects[key] = obj;
            _keys.Add(key);
        }

        // Writes past the last durable one may have been seen before a crash: never reuse their revisions.
        _revision = state.Revision == 0 ? 1 : state.Revision + _options.MaxPendingWrites;
        _history.Reset(_revision);
        _log = new WriteAheadLog(directory, _options.SyncWrites, _options.SnapshotAfterRecords, state.LogRecords, CaptureForSnapshot, _logger);
        Log.Recovered(_logger, directory, _objects.Count, state.Revision, _revision);
    }

    public ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        cancellationToken.ThrowIfCancellationRequested();
        var key = StoreKeys.Key(type, name);
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(_objects.GetValueOrDefault(key));
        }
    }

    public ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new ListOptions();
        var filter = new WatchFilter(type, options.LabelSelector, options.FieldSelector);
        if (options.Limit is < 0)
        {
            throw new InvalidArgumentException($"limit {options.Limit} is negative: pass a positive page size, or none for everything");
        }

        var prefix = StoreKeys.Prefix(type, @namespace);
        long? atRevision = null;
        var startAfter = string.Empty;
        if (!string.IsNullOrEmpty(options.Continue))
        {
            (var revision, startAfter) = ContinueToken.Decode(options.Continue);
            atRevision = revision;
            if (!startAfter.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new InvalidArgumentException($"continue token \"{options.Continue}\" belongs to another list: pass the token of this list's previous page");
            }
        }
        else
        {
            atRevision = ResourceVersions.ParseOptional(options.ResourceVersion);
        }

        List<(string Key, KubeObject Object)> snapshot;
        long readAt;
        lock (_gate)
        {
            ThrowIfDisposed();
            readAt = atRevision ?? _revision;
            snapshot = ReadAt(prefix, startAfter, readAt);
        }

        var limit = options.Limit is > 0 ? options.Limit.Value : int.MaxValue;
        var items = new List<KubeObject>();
        string? next = null;
        var lastKey = string.Empty;
        long remaining = 0;
        foreach (var (key, obj) in snapshot)
        {
            if (!filter.Matches(obj))
            {
                continue;
            }

            if (items.Count == limit)
            {
                next ??= ContinueToken.Encode(readAt, lastKey);
                remaining++;
                continue;
            }

            items.Add(obj);
            lastKey = key;
        }

        return ValueTask.FromResult(new ListResult(items, ResourceVersions.Format(readAt), next, next is null ? null : remaining));
    }

    /// <summary>The objects under <paramref name="prefix"/> after <paramref name="startAfter"/> as they were at <paramref name="revision"/>, by key. Under the lock.</summary>
    private List<(string Key, KubeObject Object)> ReadAt(string prefix, string startAfter, long revision)
    {
        if (revision > _revision)
        {
            throw new UnavailableException($"Too large resource version: {revision}, current: {_revision}: the store has not reached that revision; retry later or list without a resourceVersion");
        }

        var lower = string.CompareOrdinal(startAfter, prefix) > 0 ? startAfter : prefix;
        var upper = prefix + char.MaxValue;
        var result = new List<(string, KubeObject)>();
        if (revision == _revision)
        {
            foreach (var key in _keys.GetViewBetween(lower, upper))
            {
                if (key != startAfter)
                {
                    result.Add((key, _objects[key]));
                }
            }

            return result;
        }

        if (revision < _history.CompactedRevision)
        {
            throw StoreObjects.TooOld(revision, _history.CompactedRevision);
        }

        // Undo the writes after the revision, newest first, so each key ends at its value then.
        var then = new Dictionary<string, KubeObject?>(StringComparer.Ordinal);
        foreach (var change in _history.NewestFirstAfter(revision))
        {
            if (change.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                then[change.Key] = change.Previous;
            }
        }

        var keys = new SortedSet<string>(_keys.GetViewBetween(lower, upper), StringComparer.Ordinal);
        keys.UnionWith(then.Keys.Where(k => string.CompareOrdinal(k, lower) >= 0));
        foreach (var key in keys)
        {
            var obj = then.TryGetValue(key, out var old) ? old : _objects[key];
            if (obj is not null && key != startAfter)
            {
                result.Add((key, obj));
            }
        }

        return result;
    }

    public async ValueTask<KubeObject> CreateAsync(KubeObject obj, CancellationToken cancellationToken = default)
    {
        var (type, name, isolated) = Prepare(obj);
        return await WriteAsync(
            StoreKeys.Key(type, name),
            current => current is not null ? throw StoreObjects.AlreadyExists(type, name) : StoreObjects.ForCreate(isolated, _time, _revision + 1),
            cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("a create stores an object");
    }

    public async ValueTask<KubeObject> UpdateAsync(KubeObject obj, CancellationToken cancellationToken = default)
    {
        var (type, name, isolated) = Prepare(obj);
        return await WriteAsync(
                StoreKeys.Key(type, name),
                current => current is null ? throw StoreObjects.NotFound(type, name) : StoreObjects.ForUpdate(type, isolated, current, _revision + 1),
                cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("an update stores an object");
    }

    /// <summary>The kind and key of an object to write, and a copy of it that shares nothing with the caller (made outside the lock).</summary>
    private (ResourceType Type, NamespacedName Name, KubeObject Isolated) Prepare(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = Registry.Find(obj.ApiVersion, obj.Kind)
            ?? throw new InvalidArgumentException($"no kind \"{obj.Kind}\" is registered for version \"{obj.ApiVersion}\" in this store: register it, or check apiVersion and kind");
        return (type, StoreObjects.KeyOf(type, obj), StoreObjects.Isolate(obj, type).Object);
    }

    public async ValueTask<KubeObject> DeleteAsync(ResourceType type, NamespacedName name, Preconditions? preconditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var key = StoreKeys.Key(type, name);
        KubeObject? deleted = null;
        await WriteAsync(
            key,
            current =>
            {
                if (current is null)
                {
                    throw StoreObjects.NotFound(type, name);
                }

                StoreObjects.CheckPreconditions(type, current, preconditions);
                deleted = current;
                return null;
            },
            cancellationToken).ConfigureAwait(false);
        return deleted!;
    }

    /// <summary>
    /// Applies one write under the lock: <paramref name="decide"/> sees the current object and returns
    /// the new one (null deletes) or throws. Logs it, records it, tells the watchers, then waits until
    /// the log made it durable.
    /// </summary>
    private async ValueTask<KubeObject?> WriteAsync(string key, Func<KubeObject?, KubeObject?> decide, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_pendingWrites is not null)
        {
            await _pendingWrites.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            Task durable;
            KubeObject? next;
            lock (_gate)
            {
                ThrowIfDisposed();
                var current = _objects.GetValueOrDefault(key);
                next = decide(current);
                var revision = _revision + 1;
                durable = _log?.Append(next is null
                    ? new LogRecord(LogOp.Delete, revision, key, ReadOnlyMemory<byte>.Empty)
                    : new LogRecord(LogOp.Put, revision, key, KubeJson.SerializeToUtf8Bytes(next))) ?? Task.CompletedTask;

                // Only once the log took the record: a refused append leaves the store as it was.
                _revision = revision;
                if (next is null)
                {
                    _objects.Remove(key);
                    _keys.Remove(key);
                }
                else
                {
                    _objects[key] = next;
                    _keys.Add(key);
                }

                var change = new Change(revision, key, current, next, next is null ? StoreObjects.AsDeleted(current!, revision) : null);
                _history.Add(change);
                Dispatch(change);
            }

            await durable.ConfigureAwait(false);
            return next;
        }
        finally
        {
            _pendingWrites?.Release();
        }
    }

    public ValueTask CompactAsync(string resourceVersion, CancellationToken cancellationToken = default)
    {
        var revision = ResourceVersions.Parse(resourceVersion);
        lock (_gate)
        {
            ThrowIfDisposed();
            if (revision > _revision)
            {
                throw new InvalidArgumentException($"cannot compact to revision {revision}: the store is at {_revision}");
            }

            _history.Compact(revision);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        List<Watcher> watchers;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            watchers = [.. _watchers];
            _watchers.Clear();
        }

        foreach (var watcher in watchers)
        {
            watcher.Channel.Writer.TryComplete();
        }

        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }

        _directoryLock?.Dispose();
        _pendingWrites?.Dispose();
    }

    private (long, IReadOnlyList<(string, KubeObject)>) CaptureForSnapshot()
    {
        lock (_gate)
        {
            var objects = new List<(string, KubeObject)>(_keys.Count);
            foreach (var key in _keys)
            {
                objects.Add((key, _objects[key]));
            }

            return (_revision, objects);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static EmbeddedStateStoreOptions CopyWithoutDirectory(EmbeddedStateStoreOptions options) => new()
    {
        HistoryLimit = options.HistoryLimit,
        WatchBufferSize = options.WatchBufferSize,
    };

    public override string ToString() => _options.DataDirectory is { } d ? $"embedded store in {d}" : "embedded store in memory";
}
