using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Controllers.NodeLifecycle;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Nodes.Fake;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Controllers.Testing;

/// <summary>
/// A control plane in virtual time: the embedded store, a controller manager with the given
/// controllers, and node agents over fake runtimes. <see cref="SettleAsync"/> waits (in real time)
/// until nothing is left to do at the current virtual instant: every queue idle and every informer's
/// cache equal to the store. <see cref="AdvanceAsync"/> moves virtual time in steps, settling after each.
/// </summary>
internal sealed class VirtualCluster : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<NodeAgent> _agents = [];
    private Task? _manager;

    private VirtualCluster(long tolerationSeconds, Func<IApiClient, IApiClient>? wrapClient, ILoggerFactory? loggerFactory)
    {
        Time.SetLocalTimeZone(TimeZoneInfo.Utc);
        Store = EmbeddedStateStore.CreateInMemory(timeProvider: Time);
        Client = new StoreApiClient(Store, Time, [DefaultTolerationSeconds.Admission(tolerationSeconds)]);
        ManagerClient = wrapClient?.Invoke(Client) ?? Client;
        Manager = new ControllerManager(ManagerClient, new InProcessLeaderElector(), timeProvider: Time, loggerFactory: loggerFactory);
    }

    public FakeTimeProvider Time { get; } = new(Epoch);

    public EmbeddedStateStore Store { get; }

    public StoreApiClient Client { get; }

    /// <summary>What the controllers read and write through: <see cref="Client"/>, or what wraps it.</summary>
    public IApiClient ManagerClient { get; }

    public ControllerManager Manager { get; }

    public IReadOnlyList<NodeAgent> Agents => _agents;

    /// <summary>Starts a cluster whose manager runs the controllers <paramref name="configure"/> adds.</summary>
    public static Task<VirtualCluster> StartAsync(Action<ControllerManager> configure, long tolerationSeconds = DefaultTolerationSeconds.DefaultSeconds) =>
        StartConfiguredAsync(cluster => configure(cluster.Manager), tolerationSeconds);

    /// <summary>
    /// Starts a cluster that <paramref name="configure"/> sets up before its manager leads; the
    /// controllers go through what <paramref name="wrapClient"/> makes of the client (one that
    /// records calls, say) and log to <paramref name="loggerFactory"/>.
    /// </summary>
    public static async Task<VirtualCluster> StartConfiguredAsync(Action<VirtualCluster> configure, long tolerationSeconds = DefaultTolerationSeconds.DefaultSeconds, Func<IApiClient, IApiClient>? wrapClient = null, ILoggerFactory? loggerFactory = null)
    {
        var cluster = new VirtualCluster(tolerationSeconds, wrapClient, loggerFactory);
        configure(cluster);
        cluster._manager = cluster.Manager.RunAsync(cluster._stop.Token);
        await cluster.Manager.WaitUntilLeadingAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return cluster;
    }

    /// <summary>Registers a node and starts its agent over a new fake runtime.</summary>
    public async Task<NodeAgent> AddNodeAsync(string name, string cpu = "4", string memory = "8Gi", int pods = 110, IReadOnlyList<Taint>? taints = null, IReadOnlyDictionary<string, string>? labels = null)
    {
        var options = new NodeAgentOptions
        {
            NodeName = name,
            Capacity = new Dictionary<string, Quantity>
            {
                [ResourceNames.Cpu] = Quantity.Parse(cpu),
                [ResourceNames.Memory] = Quantity.Parse(memory),
                [ResourceNames.Pods] = Quantity.FromDecimal(pods),
            },
            Taints = taints ?? [],
            Labels = labels ?? new Dictionary<string, string>(),
            InternalIp = $"192.168.0.{_agents.Count + 10}",
        };
        var agent = new NodeAgent(Client, new FakeNodeRuntime(Time, $"10.244.{_agents.Count}."), options, Time);
        await agent.StartAsync();
        _agents.Add(agent);
        await SettleAsync();
        return agent;
    }

    public NodeAgent Agent(string node) => _agents.Single(a => a.NodeName == node);

    public FakeNodeRuntime Runtime(string node) => (FakeNodeRuntime)Agent(node).Runtime;

    /// <summary>Waits until every queue is idle and every informer has seen every write.</summary>
    public async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var quiet = 0;
        while (quiet < 3)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"the cluster did not settle at {Time.GetUtcNow():O}: manager idle {Manager.IsIdle}, agents idle {string.Join(",", _agents.Select(a => a.IsIdle))}");
            }

            await Task.Delay(1);
            quiet = await IsQuietAsync() ? quiet + 1 : 0;
        }
    }

    /// <summary>Moves virtual time forward by <paramref name="by"/> in steps of <paramref name="step"/> (1 s by default), settling after each.</summary>
    public async Task AdvanceAsync(TimeSpan by, TimeSpan? step = null)
    {
        var stride = step ?? TimeSpan.FromSeconds(1);
        await SettleAsync();
        for (var moved = TimeSpan.Zero; moved < by; moved += stride)
        {
            Time.Advance(by - moved < stride ? by - moved : stride);
            await SettleAsync();
        }
    }

    public async Task<T?> GetAsync<T>(string? ns, string name)
        where T : KubeObject => await Client.GetAsync<T>(new NamespacedName(ns, name));

    public async Task<IReadOnlyList<T>> ListAsync<T>(string? ns = "default")
        where T : KubeObject => await Client.ListAsync<T>(ns);

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _stop.CancelAsync();
        if (_manager is not null)
        {
            await _manager.WaitAsync(TimeSpan.FromSeconds(20));
        }

        await Store.DisposeAsync();
        _stop.Dispose();
    }

    private async Task<bool> IsQuietAsync()
    {
        if (!Manager.IsIdle || _agents.Any(a => a.IsRunning && !a.IsIdle))
        {
            return false;
        }

        var informers = (Manager.Informers?.Informers ?? []).Concat(_agents.Where(a => a.IsRunning).SelectMany(a => a.Informers?.Informers ?? []));
        foreach (var informer in informers)
        {
            if (!await InSyncAsync(informer))
            {
                return false;
            }
        }

        return Manager.IsIdle && _agents.All(a => !a.IsRunning || a.IsIdle);
    }

    private async Task<bool> InSyncAsync(IInformer informer)
    {
        var cached = informer.Snapshot().ToDictionary(o => o.Key, o => o.Metadata.ResourceVersion);
        var stored = await Store.ListAsync(informer.Type, informer.Options.Namespace, new ListOptions { LabelSelector = informer.Options.LabelSelector, FieldSelector = informer.Options.FieldSelector });
        return stored.Items.Count == cached.Count && stored.Items.All(o => cached.TryGetValue(o.Key, out var rv) && rv == o.Metadata.ResourceVersion);
    }
}
