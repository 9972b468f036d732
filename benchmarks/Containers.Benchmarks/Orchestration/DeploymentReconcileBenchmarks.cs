using System.Globalization;
using BenchmarkDotNet.Attributes;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Nodes.Fake;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Store.Etcd;
using Containers.Orchestration.Tests.Store.Etcd;

namespace Containers.Benchmarks.Orchestration;

/// <summary>
/// Reconciling a Deployment of <see cref="Replicas"/> replicas from zero to ready: the whole control
/// plane in process (API server, controller manager with the built-in controllers and the scheduler)
/// and <see cref="Nodes"/> node agents over fake runtimes, on the embedded store in memory or on a
/// real etcd (<see cref="Store"/>). One invocation creates the Deployment and returns when its status
/// reports every replica available: the ReplicaSet made, every pod created, scheduled, bound, started
/// by its node's agent and reported ready, and every status rolled up.
/// </summary>
/// <remarks>
/// Each iteration starts from an empty store (a fresh prefix on the one etcd of the run). The fake
/// runtime starts containers at once, so the time measured is the control plane's own: API calls,
/// store writes, watches and informers, queues and reconciles. An invocation takes seconds: run it
/// with a monitoring job (benchmarks/README.md).
/// </remarks>
[MemoryDiagnoser]
public class DeploymentReconcileBenchmarks
{
    private EtcdServer? _etcd;
    private IStateStore _store = null!;
    private ControlPlane _plane = null!;
    private List<NodeAgent> _agents = null!;
    private IApiClient _client = null!;
    private int _iteration;

    /// <summary>embedded: the in-memory embedded store; etcd: a real etcd on 127.0.0.1.</summary>
    [Params("embedded", "etcd")]
    public string Store { get; set; } = "embedded";

    [Params(1000)]
    public int Replicas { get; set; }

    [Params(10)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public async Task StartEtcdAsync()
    {
        if (Store == "etcd")
        {
            _etcd = await EtcdServer.StartAsync();
        }
    }

    [GlobalCleanup]
    public async Task StopEtcdAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    [IterationSetup]
    public void StartControlPlane() => StartControlPlaneAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void StopControlPlane() => StopControlPlaneAsync().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<int> DeploymentZeroToReady()
    {
        var labels = new Dictionary<string, string> { ["app"] = "bench" };
        await _client.CreateAsync(new Deployment
        {
            Metadata = new ObjectMeta { Name = "bench", Namespace = "default" },
            Spec = new DeploymentSpec
            {
                Replicas = Replicas,
                Selector = LabelSelector.FromLabels(labels),
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1.27" }] },
                },
            },
        });
        var key = new NamespacedName("default", "bench");
        while (true)
        {
            var d = await _client.GetAsync<Deployment>(key);
            if (d is { Status.AvailableReplicas: var available } && available == Replicas)
            {
                return available;
            }

            await Task.Delay(5);
        }
    }

    /// <summary>A store for one iteration: the embedded store in memory, or a fresh prefix of the run's etcd.</summary>
    private async Task<IStateStore> OpenStoreAsync() => Store switch
    {
        "etcd" => await EtcdStateStore.ConnectAsync(new EtcdStateStoreOptions
        {
            Endpoints = _etcd!.ClientUrl,
            Prefix = "/bench-" + (++_iteration).ToString(CultureInfo.InvariantCulture),
        }),
        _ => EmbeddedStateStore.CreateInMemory(options: new EmbeddedStateStoreOptions { WatchBufferSize = 100_000 }),
    };

    private async Task StartControlPlaneAsync()
    {
        _store = await OpenStoreAsync();
        var options = new ControlPlaneOptions();
        options.Controllers.Add(m => m.AddBuiltInControllers());
        _plane = await ControlPlane.StartAsync(_store, options);
        _client = _plane.ClientFor(UserInfo.SystemAdmin);
        _agents = [];
        for (var i = 0; i < Nodes; i++)
        {
            var agent = new NodeAgent(
                _plane.ClientFor(UserInfo.SystemAdmin),
                new FakeNodeRuntime(ipPrefix: $"10.244.{i}."),
                new NodeAgentOptions
                {
                    NodeName = $"node-{i}",
                    Capacity = new Dictionary<string, Quantity>
                    {
                        [ResourceNames.Cpu] = Quantity.Parse("64"),
                        [ResourceNames.Memory] = Quantity.Parse("256Gi"),
                        [ResourceNames.Pods] = Quantity.FromDecimal((Replicas / Nodes) + 10),
                    },
                });
            await agent.StartAsync();
            _agents.Add(agent);
        }

        await _plane.Controllers.WaitUntilLeadingAsync();
    }

    private async Task StopControlPlaneAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _plane.DisposeAsync();
        await _store.DisposeAsync();
    }
}
