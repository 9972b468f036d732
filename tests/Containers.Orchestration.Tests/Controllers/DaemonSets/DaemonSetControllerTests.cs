using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.DaemonSets;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.DaemonSets;

public sealed class DaemonSetControllerTests
{
    private VirtualCluster _cluster = null!;

    [SetUp]
    public async Task SetUp() => _cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task DaemonSet_RunsOnePodOnEveryNode_IncludingNodesAddedLater()
    {
        await _cluster.AddNodeAsync("a");
        await _cluster.AddNodeAsync("b");
        await _cluster.Client.CreateAsync(TestObjects.DaemonSet("agent"));
        await _cluster.SettleAsync();
        Assert.That(await NodesWithPodsAsync(), Is.EqualTo(new[] { "a", "b" }));

        await _cluster.AddNodeAsync("c");
        await _cluster.SettleAsync();
        Assert.That(await NodesWithPodsAsync(), Is.EqualTo(new[] { "a", "b", "c" }));
        var status = (await _cluster.GetAsync<DaemonSet>("default", "agent"))!.Status;
        Assert.That((status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberReady, status.NumberAvailable, status.NumberMisscheduled), Is.EqualTo((3, 3, 3, 3, 0)));

        var pod = (await _cluster.ListAsync<Pod>()).First(p => p.Spec.NodeName == "c");
        Assert.That(pod.Spec.Tolerations.Select(t => $"{t.Key}:{t.Effect}"), Is.SupersetOf(new[] { "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unschedulable:NoSchedule" }));
        Assert.That(Containers.Orchestration.Scheduling.NodeAffinity.PinnedNode(pod.Spec), Is.EqualTo("c"), "pinned by required node affinity and bound by the scheduler");
    }

    [Test]
    public async Task DaemonSet_RespectsNodeSelectorAndTaints()
    {
        await _cluster.AddNodeAsync("gpu", labels: new Dictionary<string, string> { ["accel"] = "gpu" });
        await _cluster.AddNodeAsync("gpu-tainted", labels: new Dictionary<string, string> { ["accel"] = "gpu" }, taints: [new Taint { Key = "dedicated", Value = "ml", Effect = TaintEffect.NoSchedule }]);
        await _cluster.AddNodeAsync("plain");
        var cordoned = await _cluster.AddNodeAsync("gpu-cordoned", labels: new Dictionary<string, string> { ["accel"] = "gpu" });
        var node = (await _cluster.GetAsync<Node>(null, "gpu-cordoned"))!;
        await _cluster.Client.UpdateAsync(node with { Spec = node.Spec with { Unschedulable = true } });
        var ds = TestObjects.DaemonSet("agent");
        ds = ds with { Spec = ds.Spec with { Template = ds.Spec.Template with { Spec = ds.Spec.Template.Spec with { NodeSelector = new Dictionary<string, string> { ["accel"] = "gpu" } } } } };
        await _cluster.Client.CreateAsync(ds);
        await _cluster.SettleAsync();

        Assert.That(await NodesWithPodsAsync(), Is.EqualTo(new[] { "gpu", "gpu-cordoned" }), "daemons tolerate cordons, not other taints, and follow the nodeSelector");
        Assert.That(cordoned.IsRunning, Is.True);

        var plain = (await _cluster.GetAsync<Node>(null, "plain"))!;
        await _cluster.Client.UpdateAsync(plain with { Metadata = plain.Metadata with { Labels = new Dictionary<string, string>(plain.Metadata.Labels) { ["accel"] = "gpu" } } });
        var gpu = (await _cluster.GetAsync<Node>(null, "gpu"))!;
        await _cluster.Client.UpdateAsync(gpu with { Metadata = gpu.Metadata with { Labels = gpu.Metadata.Labels.Where(l => l.Key != "accel").ToDictionary() } });
        await _cluster.SettleAsync();
        Assert.That(await NodesWithPodsAsync(), Is.EqualTo(new[] { "gpu-cordoned", "plain" }), "a node that starts matching gets a pod; one that stops loses it");
    }

    [Test]
    public async Task NoExecuteTaint_EvictsTheDaemonPod()
    {
        await _cluster.AddNodeAsync("a");
        await _cluster.Client.CreateAsync(TestObjects.DaemonSet("agent"));
        await _cluster.SettleAsync();
        Assert.That(await NodesWithPodsAsync(), Is.EqualTo(new[] { "a" }));

        var node = (await _cluster.GetAsync<Node>(null, "a"))!;
        await _cluster.Client.UpdateAsync(node with { Spec = node.Spec with { Taints = [new Taint { Key = "maintenance", Effect = TaintEffect.NoExecute }] } });
        await _cluster.SettleAsync();
        Assert.That(await NodesWithPodsAsync(), Is.Empty);
        Assert.That((await _cluster.GetAsync<DaemonSet>("default", "agent"))!.Status.DesiredNumberScheduled, Is.Zero);
    }

    [Test]
    public async Task RollingUpdate_ReplacesOneNodeAtATimeWithMaxUnavailableOne()
    {
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _cluster.AddNodeAsync(name);
        }

        var ds = TestObjects.DaemonSet("agent");
        ds = ds with { Spec = ds.Spec with { Template = TestObjects.WithReadinessProbe(ds.Spec.Template, periodSeconds: 1) } };
        await _cluster.Client.CreateAsync(ds);
        await _cluster.SettleAsync();
        foreach (var pod in await _cluster.ListAsync<Pod>())
        {
            _cluster.Runtime(pod.Spec.NodeName!).SetProbeResult(pod.Key, ProbeResult.Success);
        }

        foreach (var agent in _cluster.Agents)
        {
            _cluster.Runtime(agent.NodeName).DefaultProbeResult = ProbeResult.Failure;
        }

        ds = (await _cluster.GetAsync<DaemonSet>("default", "agent"))!;
        await _cluster.Client.UpdateAsync(ds with { Spec = ds.Spec with { Template = ds.Spec.Template with { Spec = ds.Spec.Template.Spec with { Containers = [ds.Spec.Template.Spec.Containers[0] with { Image = "agent:2.0" }] } } } });
        await _cluster.SettleAsync();

        var updatedPerStep = new List<(int Updated, int Available)>();
        for (var step = 0; step < 5; step++)
        {
            var pods = (await _cluster.ListAsync<Pod>()).Where(p => !PodStates.IsTerminating(p)).ToList();
            updatedPerStep.Add((pods.Count(p => p.Spec.Containers[0].Image == "agent:2.0"), pods.Count(PodStates.IsReady)));
            if (pods.Count(p => p.Spec.Containers[0].Image == "agent:2.0" && PodStates.IsReady(p)) == 3)
            {
                break;
            }

            foreach (var pod in pods.Where(p => p.Spec.Containers[0].Image == "agent:2.0"))
            {
                _cluster.Runtime(pod.Spec.NodeName!).SetProbeResult(pod.Key, ProbeResult.Success);
            }

            await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        // One node at a time: an updated pod that is not yet ready holds the next replacement back.
        Assert.That(updatedPerStep, Is.EqualTo(new[] { (1, 2), (2, 2), (3, 2), (3, 3) }));
        var status = (await _cluster.GetAsync<DaemonSet>("default", "agent"))!.Status;
        Assert.That(status.UpdatedNumberScheduled, Is.EqualTo(3));
        Assert.That(status.NumberAvailable, Is.EqualTo(3));
    }

    [Test]
    public void ShouldRun_SeparatesNewPlacementFromStaying()
    {
        var ds = TestObjects.DaemonSet("agent");
        var node = new Node { Metadata = new ObjectMeta { Name = "n" }, Spec = new NodeSpec { Taints = [new Taint { Key = "k", Effect = TaintEffect.NoSchedule }] } };
        Assert.That(DaemonPods.ShouldRun(ds, node), Is.EqualTo((false, true)), "an untolerated NoSchedule taint keeps new pods off but lets one stay");
        node = node with { Spec = new NodeSpec { Taints = [new Taint { Key = "k", Effect = TaintEffect.NoExecute }] } };
        Assert.That(DaemonPods.ShouldRun(ds, node), Is.EqualTo((false, false)));
        node = node with { Spec = new NodeSpec { Taints = [new Taint { Key = WellKnownTaints.NotReady, Effect = TaintEffect.NoExecute }] } };
        Assert.That(DaemonPods.ShouldRun(ds, node), Is.EqualTo((true, true)), "daemons tolerate not-ready nodes");
    }

    private async Task<IReadOnlyList<string>> NodesWithPodsAsync() =>
        [.. (await _cluster.ListAsync<Pod>()).Where(p => !PodStates.IsTerminating(p) && p.Status.Phase == PodPhase.Running).Select(p => p.Spec.NodeName!).Order(StringComparer.Ordinal)];
}
