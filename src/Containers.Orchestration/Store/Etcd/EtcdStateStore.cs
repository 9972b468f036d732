using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mvccpb;

namespace Containers.Orchestration.Store.Etcd;

/// <summary>
/// The store on etcd, as kube-apiserver keeps its objects there: one key per object under a prefix
/// (<see cref="StoreKeys"/>), its JSON as the value, etcd's revisions as resourceVersions (an
/// object's mod_revision, a list's header revision), transactions for optimistic concurrency,
/// etcd watches for watches, and etcd's compaction for <see cref="CompactAsync"/>.
/// </summary>
/// <remarks>
/// Several API servers may share one etcd: every check that decides a write is a compare in the
/// same etcd transaction as the write. Label and field selectors are applied here, after decoding,
/// as Kubernetes does. The stored JSON leaves resourceVersion out; reads fill it in from the revision.
/// </remarks>
public sealed partial class EtcdStateStore : IStateStore, ICompactableStore
{
    /// <summary>The most keys one range call fetches while a selector filters a paged list.</summary>
    private const int MaxBatch = 10_000;

    private readonly EtcdConnection _etcd;
    private readonly EtcdStateStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    private EtcdStateStore(EtcdConnection etcd, EtcdStateStoreOptions options, ResourceRegistry registry, TimeProvider time, ILogger logger)
    {
        _etcd = etcd;
        _options = options;
        Registry = registry;
        _time = time;
        _logger = logger;
    }

    public ResourceRegistry Registry { get; }

    /// <summary>The etcd endpoints this store talks to.</summary>
    public string Endpoints => _etcd.Endpoints;

    /// <summary>The key prefix of this store's objects.</summary>
    public string Prefix => _options.Prefix;

    internal EtcdConnection Connection => _etcd;

    /// <summary>
    /// Connects to etcd and checks that it answers within <see cref="EtcdStateStoreOptions.ConnectTimeout"/>.
    /// </summary>
    /// <exception cref="InvalidArgumentException">An endpoint is not a URL, or the prefix is not a key path.</exception>
    /// <exception cref="UnavailableException">etcd does not answer at the endpoints (the message names them).</exception>
    public static async ValueTask<EtcdStateStore> ConnectAsync(
        EtcdStateStoreOptions options,
        ResourceRegistry? registry = null,
        TimeProvider? timeProvider = null,
        ILogger<EtcdStateStore>? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Prefix.StartsWith('/') || options.Prefix.EndsWith('/'))
        {
            throw new InvalidArgumentException($"etcd key prefix \"{options.Prefix}\" must start with '/' and not end with one, such as /registry");
        }

        var time = timeProvider ?? TimeProvider.System;
        var etcd = EtcdConnection.Create(options.Endpoints);
        var store = new EtcdStateStore(etcd, options, registry ?? ResourceRegistry.Default, time, (ILogger?)logger ?? NullLogger.Instance);
        try
        {
            var deadline = time.GetUtcNow().UtcDateTime + options.ConnectTimeout;
            var response = await store.CallAsync(
                    () => etcd.Client.GetAsync(new RangeRequest { Key = EtcdKeys.From(options.Prefix + "/"), RangeEnd = EtcdKeys.RangeEnd(options.Prefix + "/"), CountOnly = true }, deadline: deadline, cancellationToken: cancellationToken),
                    $"connect to etcd (waited {options.ConnectTimeout.TotalSeconds:0.#} s)")
                .ConfigureAwait(false);
            Log.Connected(store._logger, etcd.Endpoints, options.Prefix, response.Header.Revision, response.Count);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var kv = await GetKeyValueAsync(type, StoreKeys.Key(type, name, _options.Prefix), cancellationToken).ConfigureAwait(false);
        return kv is null ? null : Decode(type, kv);
    }

    public async ValueTask<KubeObject> CreateAsync(KubeObject obj, CancellationToken cancellationToken = default)
    {
        var (type, name) = Resolve(obj);
        var key = EtcdKeys.From(StoreKeys.Key(type, name, _options.Prefix));
        var json = Encode(StoreObjects.ForCreate(obj, _time, 0));
        var txn = new TxnRequest
        {
            Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = UnsafeByteOperations.UnsafeWrap(json) } } },
        };
        var response = await TxnAsync(txn, $"create {type.GroupResource} \"{name}\"", cancellationToken).ConfigureAwait(false);
        return response.Succeeded
            ? WithRevision(KubeJson.Deserialize(json, type), response.Header.Revision)
            : throw StoreObjects.AlreadyExists(type, name);
    }

    public async ValueTask<KubeObject> UpdateAsync(KubeObject obj, CancellationToken cancellationToken = default)
    {
        var (type, name) = Resolve(obj);
        var keyPath = StoreKeys.Key(type, name, _options.Prefix);
        var key = EtcdKeys.From(keyPath);
        while (true)
        {
            // The uid and creation time come from the stored object, so an update reads it first;
            // the write then goes ahead only if nothing changed the key since that read.
            var current = await GetKeyValueAsync(type, keyPath, cancellationToken).ConfigureAwait(false)
                ?? throw StoreObjects.NotFound(type, name);
            var json = Encode(StoreObjects.ForUpdate(type, obj, Decode(type, current), 0));
            var txn = new TxnRequest
            {
                Compare = { UnchangedSince(key, current.ModRevision) },
                Success = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = UnsafeByteOperations.UnsafeWrap(json) } } },
            };
            var response = await TxnAsync(txn, $"update {type.GroupResource} \"{name}\"", cancellationToken).ConfigureAwait(false);
            if (response.Succeeded)
            {
                return WithRevision(KubeJson.Deserialize(json, type), response.Header.Revision);
            }

            // Changed under us: read again. With a resourceVersion that is now a Conflict (or
            // NotFound); without one the update is unconditional and retries.
        }
    }

    public async ValueTask<KubeObject> DeleteAsync(ResourceType type, NamespacedName name, Preconditions? preconditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var keyPath = StoreKeys.Key(type, name, _options.Prefix);
        var key = EtcdKeys.From(keyPath);
        while (true)
        {
            var current = await GetKeyValueAsync(type, keyPath, cancellationToken).ConfigureAwait(false)
                ?? throw StoreObjects.NotFound(type, name);
            var stored = Decode(type, current);
            StoreObjects.CheckPreconditions(type, stored, preconditions);
            var txn = new TxnRequest
            {
                Compare = { UnchangedSince(key, current.ModRevision) },
                Success = { new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } } },
            };
            var response = await TxnAsync(txn, $"delete {type.GroupResource} \"{name}\"", cancellationToken).ConfigureAwait(false);
            if (response.Succeeded)
            {
                return stored;
            }
        }
    }

    public async ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        options ??= new ListOptions();
        var filter = new WatchFilter(type, options.LabelSelector, options.FieldSelector);
        if (options.Limit is < 0)
        {
            throw new InvalidArgumentException($"limit {options.Limit} is negative: pass a positive page size, or none for everything");
        }

        var prefix = StoreKeys.Prefix(type, @namespace, _options.Prefix);
        var start = EtcdKeys.From(prefix);
        long? atRevision;
        if (!string.IsNullOrEmpty(options.Continue))
        {
            (var revision, var lastKey) = ContinueToken.Decode(options.Continue);
            if (!lastKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new InvalidArgumentException($"continue token \"{options.Continue}\" belongs to another list: pass the token of this list's previous page");
            }

            atRevision = revision;
            start = EtcdKeys.After(lastKey);
        }
        else
        {
            atRevision = ResourceVersions.ParseOptional(options.ResourceVersion);
        }

        var what = $"list {type.GroupResource}{(atRevision is { } at ? $" at resourceVersion {at}" : string.Empty)}";
        var end = EtcdKeys.RangeEnd(prefix);
        var limit = options.Limit is > 0 ? options.Limit.Value : 0;
        var items = new List<KubeObject>();
        var batch = limit;
        string? next = null;
        long? remaining = null;
        while (true)
        {
            var request = new RangeRequest { Key = start, RangeEnd = end, Revision = atRevision ?? 0, Limit = batch };
            var response = await CallAsync(() => _etcd.Client.GetAsync(request, cancellationToken: cancellationToken), what).ConfigureAwait(false);
            atRevision ??= response.Header.Revision;
            var i = 0;
            for (; i < response.Kvs.Count && (limit == 0 || items.Count < limit); i++)
            {
                var obj = Decode(type, response.Kvs[i]);
                if (filter.Matches(obj))
                {
                    items.Add(obj);
                }
            }

            if (limit == 0 || (!response.More && i == response.Kvs.Count))
            {
                break;
            }

            var lastKey = response.Kvs[i - 1].Key.ToStringUtf8();
            if (items.Count == limit)
            {
                // Full. Without a selector etcd's count says exactly how many follow; with one, the
                // rest are not read, so (as Kubernetes) the next page may turn out empty.
                next = ContinueToken.Encode(atRevision.Value, lastKey);
                remaining = filter.IsEverything ? response.Count - i : null;
                break;
            }

            start = EtcdKeys.After(lastKey);
            batch = (int)Math.Min(MaxBatch, batch * 2L);
        }

        return new ListResult(items, ResourceVersions.Format(atRevision.Value), next, remaining);
    }

    public async ValueTask CompactAsync(string resourceVersion, CancellationToken cancellationToken = default)
    {
        var revision = ResourceVersions.Parse(resourceVersion);
        try
        {
            // Physical: return once the old revisions are gone, so reads of them fail from now on.
            await CallAsync(
                    () => _etcd.Client.CompactAsync(new CompactionRequest { Revision = revision, Physical = true }, cancellationToken: cancellationToken),
                    $"compact to revision {revision}")
                .ConfigureAwait(false);
            Log.Compacted(_logger, revision);
        }
        catch (GoneException)
        {
            // Compacted at or past it already: there is nothing older left to drop.
        }
        catch (UnavailableException e) when (e.InnerException is RpcException { StatusCode: StatusCode.OutOfRange })
        {
            throw new InvalidArgumentException($"cannot compact to revision {revision}: etcd has not reached it", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Watches end first (their streams see the cancellation), then the connection closes.
        await _disposing.CancelAsync().ConfigureAwait(false);
        _etcd.Dispose();
        _disposing.Dispose();
    }

    public override string ToString() => $"etcd store at {_etcd.Endpoints} under {_options.Prefix}";

    private (ResourceType Type, NamespacedName Name) Resolve(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = Registry.Find(obj.ApiVersion, obj.Kind)
            ?? throw new InvalidArgumentException($"no kind \"{obj.Kind}\" is registered for version \"{obj.ApiVersion}\" in this store: register it, or check apiVersion and kind");
        return (type, StoreObjects.KeyOf(type, obj));
    }

    private static Compare UnchangedSince(ByteString key, long modRevision) => new()
    {
        Key = key,
        Target = Compare.Types.CompareTarget.Mod,
        Result = Compare.Types.CompareResult.Equal,
        ModRevision = modRevision,
    };

    private async ValueTask<KeyValue?> GetKeyValueAsync(ResourceType type, string key, CancellationToken cancellationToken)
    {
        var response = await CallAsync(
                () => _etcd.Client.GetAsync(new RangeRequest { Key = EtcdKeys.From(key) }, cancellationToken: cancellationToken),
                $"get {type.GroupResource} {key}")
            .ConfigureAwait(false);
        return response.Kvs.Count == 0 ? null : response.Kvs[0];
    }

    private Task<TxnResponse> TxnAsync(TxnRequest txn, string what, CancellationToken cancellationToken) =>
        CallAsync(() => _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken), what);

    private Task<T> CallAsync<T>(Func<Task<T>> call, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _etcd.CallAsync(call, what);
    }

    /// <summary>The JSON to store: the object without resourceVersion, which etcd's revision stands for.</summary>
    private static byte[] Encode(KubeObject obj) =>
        KubeJson.SerializeToUtf8Bytes(obj with { Metadata = obj.Metadata with { ResourceVersion = null } });

    private static KubeObject Decode(ResourceType type, KeyValue kv)
    {
        KubeObject obj;
        try
        {
            obj = KubeJson.Deserialize(kv.Value.Span, type);
        }
        catch (InvalidArgumentException e)
        {
            throw new FailedPreconditionException($"etcd key {kv.Key.ToStringUtf8()} does not hold a {type.Kind} this process can read ({e.Message}): remove the key, or use a prefix only this cluster writes to", e);
        }

        return WithRevision(obj, kv.ModRevision);
    }

    private static KubeObject WithRevision(KubeObject obj, long revision) =>
        obj with { Metadata = obj.Metadata with { ResourceVersion = ResourceVersions.Format(revision) } };
}
