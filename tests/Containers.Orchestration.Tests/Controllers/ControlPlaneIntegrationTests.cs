using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Nodes.Fake;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store.Embedded;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers;

/// <summary>
/// The controllers, scheduler and a node agent through the real API server (validation,
/// defaulting, admission, binding, graceful deletion and garbage collection), not the store stand-in.
/// </summary>
public sealed class ControlPlaneIntegrationTests
{
    private EmbeddedStateStore _store = null!;
    private ControlPlane _plane = null!;
    private NodeAgent _agent = null!;
    private IApiClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = EmbeddedStateStore.CreateInMemory();
        var options = new ControlPlaneOptions();
        options.Controllers.Add(m => m.AddBuiltInControllers());
        _plane = await ControlPlane.StartAsync(_store, options);
        _client = _plane.ClientFor(UserInfo.SystemAdmin);
        _agent = new NodeAgent(_plane.ClientFor(UserInfo.SystemAdmin), new FakeNodeRuntime(), new NodeAgentOptions { NodeName = "n1" });
        await _agent.StartAsync();
        await _plane.Controllers.WaitUntilLeadingAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _agent.DisposeAsync();
        await _plane.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public async Task Deployment_RollsOutThroughTheApiServer_AndItsDeletionCascades()
    {
        var d = TestObjects.Deployment("web", 3);
        await _client.CreateAsync(d);
        await Eventually.Until(() => Available("web") == 3, "three available replicas");
        var pods = await _client.ListAsync<Pod>("default");
        Assert.That(pods.Select(p => p.Spec.NodeName), Is.All.EqualTo("n1"));
        Assert.That(pods.SelectMany(p => p.Spec.Tolerations).Count(t => t.TolerationSeconds == 300), Is.EqualTo(6), "the server's DefaultTolerationSeconds admission ran");

        var current = (await _client.GetAsync<Deployment>(new NamespacedName("default", "web")))!;
        await _client.UpdateAsync(TestObjects.WithImage(current, "nginx:2.0"));
        await Eventually.Until(() => Updated("web") == 3 && Available("web") == 3 && Images().All(i => i == "nginx:2.0") && Images().Count == 3, "the rollout to nginx:2.0");

        await _client.DeleteAsync<Deployment>(new NamespacedName("default", "web"), PropagationPolicy.Background);
        await Eventually.Until(() => Images().Count == 0 && Sets() == 0, "the garbage collector to remove the ReplicaSets and their pods");
    }

    [Test]
    public async Task StatefulSet_RunsItsPodsAndClaimsThroughTheApiServer()
    {
        await _client.CreateAsync(TestObjects.StatefulSet("db", 2) with { });
        await Eventually.Until(() => Ready("db") == 2, "two ready replicas");
        var names = (await _client.ListAsync<Pod>("default")).Select(p => p.Name).Order();
        Assert.That(names, Is.EqualTo(new[] { "db-0", "db-1" }));
        Assert.That((await _client.ListAsync<PersistentVolumeClaim>("default")).Select(c => c.Name).Order(), Is.EqualTo(new[] { "data-db-0", "data-db-1" }));
    }

    private int Available(string name) => Get<Deployment>(name)?.Status.AvailableReplicas ?? 0;

    private int Updated(string name) => Get<Deployment>(name)?.Status.UpdatedReplicas ?? 0;

    private int Ready(string name) => Get<StatefulSet>(name)?.Status.ReadyReplicas ?? 0;

    private int Sets() => _client.ListAsync<ReplicaSet>("default").AsTask().Result.Count;

    private List<string> Images() =>
        [.. _client.ListAsync<Pod>("default").AsTask().Result.Where(p => !PodStates.IsTerminating(p)).Select(p => p.Spec.Containers[0].Image ?? string.Empty)];

    private T? Get<T>(string name)
        where T : KubeObject => _client.GetAsync<T>(new NamespacedName("default", name)).AsTask().Result;
}
