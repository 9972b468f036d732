using System.Globalization;
using BenchmarkDotNet.Attributes;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Store;

namespace Containers.Benchmarks.Orchestration;

/// <summary>
/// The store workload every <see cref="IStateStore"/> is measured with (<see cref="StoreBenchmarks"/>
/// for the embedded store, <see cref="EtcdStoreBenchmarks"/> for etcd): creates, unconditional
/// updates and watch fan-out of one ConfigMap shape, with <see cref="Watchers"/> informer-style
/// watches of the written namespace draining in the background.
/// </summary>
/// <remarks>
/// <para>
/// Create stores a new ConfigMap per call; Update replaces one ConfigMap unconditionally (no
/// conflict retries in the measurement).
/// </para>
/// <para>
/// WatchFanOut writes <see cref="Batch"/> ConfigMaps while <see cref="Watchers"/> watchers each drain
/// their own watch, and returns when every watcher has seen every write: the cost of delivering
/// writes to many informers. Writes are sequential, so each waits for its own durability. They
/// update the same <see cref="Batch"/> ConfigMaps each time (made in setup) with a new value: new
/// ones every call grew the store by millions of objects over a run, and the time per write with it.
/// </para>
/// </remarks>
public abstract class StoreWorkload
{
    private const int Batch = 100;
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Default.Get<ConfigMap>();

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _informers = [];
    private IStateStore _store = null!;
    private KubeObject _updated = null!;
    private ConfigMap[] _fanOut = [];
    private int _next;

    [Params(1, 16)]
    public int Watchers { get; set; }

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _store = await OpenStoreAsync();
        _updated = await _store.CreateAsync(NewConfigMap("updated"));
        _updated = _updated with { Metadata = _updated.Metadata with { ResourceVersion = null } };
        _fanOut = new ConfigMap[Batch];
        for (var i = 0; i < Batch; i++)
        {
            var made = (ConfigMap)await _store.CreateAsync(NewConfigMap("fan-" + i.ToString(CultureInfo.InvariantCulture), "fan-out"));
            _fanOut[i] = made with { Metadata = made.Metadata with { ResourceVersion = null } };
        }

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
        await CloseStoreAsync();
    }

    [Benchmark]
    public ValueTask<KubeObject> Create() => _store.CreateAsync(NewConfigMap("cm-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture)));

    [Benchmark]
    public ValueTask<KubeObject> Update() => _store.UpdateAsync(_updated);

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task WatchFanOut()
    {
        using var cancel = new CancellationTokenSource();
        var start = (await _store.ListAsync(ConfigMaps, "fan-out", new ListOptions { Limit = 1 })).ResourceVersion;
        var watchers = Enumerable.Range(0, Watchers).Select(_ => DrainAsync(start, cancel.Token)).ToArray();
        var round = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        foreach (var map in _fanOut)
        {
            await _store.UpdateAsync(map with { Data = new Dictionary<string, string> { ["round"] = round } });
        }

        await Task.WhenAll(watchers);
    }

    /// <summary>The store to measure, empty.</summary>
    protected abstract Task<IStateStore> OpenStoreAsync();

    /// <summary>Removes what <see cref="OpenStoreAsync"/> made besides the store (disposed already).</summary>
    protected virtual Task CloseStoreAsync() => Task.CompletedTask;

    /// <summary>The object every write stores (a name and namespace of its own).</summary>
    protected static ConfigMap NewConfigMap(string name, string ns = "default") => new()
    {
        Metadata = new ObjectMeta { Namespace = ns, Name = name, Labels = new Dictionary<string, string> { ["app"] = "bench" } },
        Data = new Dictionary<string, string> { ["config.yaml"] = "replicas: 3\nimage: nginx:1.25\n" },
    };

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
}
