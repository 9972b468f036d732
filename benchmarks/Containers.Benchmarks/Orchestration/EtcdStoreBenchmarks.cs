using System.Globalization;
using BenchmarkDotNet.Attributes;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Etcd;
using Containers.Orchestration.Tests.Store.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Containers.Benchmarks.Orchestration;

/// <summary>
/// The etcd store's writes and watch fan-out against a real etcd on this machine (etcd-server, one
/// member, its data in a temporary directory on the same disk), beside etcd's own write throughput
/// through the same client: the same operations as <c>StoreBenchmarks</c> measures on the
/// embedded store.
/// </summary>
/// <remarks>
/// <para>
/// Create stores a new ConfigMap per call: one etcd transaction (create-revision compare, put).
/// Update replaces one ConfigMap unconditionally: a range read (the stored uid and creation time)
/// then a transaction (mod-revision compare, put). Both with <see cref="Watchers"/> watches of the
/// namespace draining in the background, as informers do; each watch is its own etcd watch stream.
/// </para>
/// <para>
/// WatchFanOut writes <see cref="Batch"/> ConfigMaps while <see cref="Watchers"/> watchers each drain
/// their own watch, and returns when every watcher has seen every write.
/// </para>
/// <para>
/// EtcdPut is etcd's own write throughput: a plain put of the same JSON bytes to one key outside
/// the watched prefix, through the same dotnet-etcd connection, with no transaction, no encoding and
/// no watcher. Every etcd write, ours or raw, waits for etcd's fsync of its log.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class EtcdStoreBenchmarks
{
    private const int Batch = 100;
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Default.Get<ConfigMap>();

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _informers = [];
    private EtcdServer _etcd = null!;
    private EtcdStateStore _store = null!;
    private dotnet_etcd.EtcdClient _raw = null!;
    private PutRequest _rawPut = null!;
    private KubeObject _updated = null!;
    private int _next;

    [Params(1, 16)]
    public int Watchers { get; set; }

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _etcd = await EtcdServer.StartAsync();
        _store = await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions { Endpoints = _etcd.ClientUrl, Prefix = "/bench" });
        _raw = new dotnet_etcd.EtcdClient(_etcd.ClientUrl);
        _rawPut = new PutRequest { Key = ByteString.CopyFromUtf8("/raw/configmap"), Value = ByteString.CopyFrom(KubeJson.SerializeToUtf8Bytes(NewConfigMap("raw"))) };
        _updated = await _store.CreateAsync(NewConfigMap("updated"));
        _updated = _updated with { Metadata = _updated.Metadata with { ResourceVersion = null } };
        for (var i = 0; i < Watchers; i++)
        {
            _informers.Add(InformAsync(_stop.Token));
        }
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_informers.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
        await _store.DisposeAsync();
        _raw.Dispose();
        await _etcd.DisposeAsync();
    }

    [Benchmark]
    public ValueTask<KubeObject> Create() => _store.CreateAsync(NewConfigMap("cm-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture)));

    [Benchmark]
    public ValueTask<KubeObject> Update() => _store.UpdateAsync(_updated);

    [Benchmark]
    public Task<PutResponse> EtcdPut() => _raw.PutAsync(_rawPut);

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task WatchFanOut()
    {
        using var cancel = new CancellationTokenSource();
        var start = (await _store.ListAsync(ConfigMaps, "fan-out", new ListOptions { Limit = 1 })).ResourceVersion;
        var watchers = Enumerable.Range(0, Watchers).Select(_ => DrainAsync(start, cancel.Token)).ToArray();
        var prefix = "fan-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture) + "-";
        for (var i = 0; i < Batch; i++)
        {
            await _store.CreateAsync(NewConfigMap(prefix + i.ToString(CultureInfo.InvariantCulture), "fan-out"));
        }

        await Task.WhenAll(watchers);
    }

    /// <summary>A watcher of the namespace Create and Update write to, reading everything as it comes.</summary>
    private async Task InformAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in _store.WatchAsync(ConfigMaps, "default", cancellationToken: cancellationToken))
        {
        }
    }

    private async Task DrainAsync(string from, CancellationToken cancellationToken)
    {
        var seen = 0;
        await foreach (var _ in _store.WatchAsync(ConfigMaps, "fan-out", new WatchOptions { ResourceVersion = from }, cancellationToken))
        {
            if (++seen == Batch)
            {
                return;
            }
        }
    }

    private static ConfigMap NewConfigMap(string name, string ns = "default") => new()
    {
        Metadata = new ObjectMeta { Namespace = ns, Name = name, Labels = new Dictionary<string, string> { ["app"] = "bench" } },
        Data = new Dictionary<string, string> { ["config.yaml"] = "replicas: 3\nimage: nginx:1.25\n" },
    };
}
