using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.NodeLifecycle;

public sealed class NodeFailureTests
{
    [Test]
    public async Task SilentNode_TurnsUnknownAfter40s_IsTainted_AndItsPodsAreEvictedAfter300sAndReplacedElsewhere()
    {
        await using var cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        var doomed = await cluster.AddNodeAsync("doomed");
        await cluster.Client.CreateAsync(TestObjects.ReplicaSet("web", 2));
        await cluster.SettleAsync();
        Assert.That((await cluster.ListAsync<Pod>()).Select(p => p.Spec.NodeName), Is.All.EqualTo("doomed"));
        await cluster.AddNodeAsync("healthy");

        await doomed.StopAsync();
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(5));
        var node = (await cluster.GetAsync<Node>(null, "doomed"))!;
        Assert.That(Conditions.Find(node.Status.Conditions, NodeConditionType.Ready)!.Status, Is.EqualTo(ConditionStatus.True), "40 s of silence is still within the grace period");

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        node = (await cluster.GetAsync<Node>(null, "doomed"))!;
        var ready = Conditions.Find(node.Status.Conditions, NodeConditionType.Ready)!;
        Assert.That(ready.Status, Is.EqualTo(ConditionStatus.Unknown));
        Assert.That(ready.Reason, Is.EqualTo("NodeStatusUnknown"));
        Assert.That(ready.Message, Is.EqualTo("Kubelet stopped posting node status."));
        Assert.That(node.Spec.Taints.Select(t => $"{t.Key}:{t.Effect}"), Is.EquivalentTo(new[] { "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute" }));
        var pods = await cluster.ListAsync<Pod>();
        Assert.That(pods.Select(PodStates.IsReady), Is.All.False, "the silent node's pods are marked not ready");
        Assert.That(pods.Select(p => p.Metadata.DeletionTimestamp), Is.All.Null, "not evicted yet: they tolerate unreachable for 300 s");
        var taintedAt = node.Spec.Taints.Single(t => t.Effect == TaintEffect.NoExecute).TimeAdded!.Value;

        await cluster.AdvanceAsync(taintedAt.AddSeconds(299) - cluster.Time.GetUtcNow(), TimeSpan.FromSeconds(10));
        Assert.That((await cluster.ListAsync<Pod>()).Select(p => p.Metadata.DeletionTimestamp), Is.All.Null);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        pods = await cluster.ListAsync<Pod>();
        var evicted = pods.Where(p => p.Spec.NodeName == "doomed").ToList();
        Assert.That(evicted, Has.Count.EqualTo(2));
        Assert.That(evicted.Select(p => p.Metadata.DeletionTimestamp), Is.All.Not.Null, "evicted, but the dead node cannot finish the deletion");
        Assert.That(evicted.Select(p => Conditions.Find(p.Status.Conditions, PodConditionType.DisruptionTarget)?.Reason), Is.All.EqualTo("DeletionByTaintManager"));
        var replacements = pods.Where(p => p.Spec.NodeName == "healthy").ToList();
        Assert.That(replacements, Has.Count.EqualTo(2), "the ReplicaSet replaced them on the healthy node");
        Assert.That(replacements.Select(PodStates.IsReady), Is.All.True);
    }

    [Test]
    public async Task NodeThatComesBack_LosesItsTaints()
    {
        await using var cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        var agent = await cluster.AddNodeAsync("flaky");
        await agent.StopAsync();
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(5));
        Assert.That((await cluster.GetAsync<Node>(null, "flaky"))!.Spec.Taints, Is.Not.Empty);

        await agent.StartAsync();
        await cluster.SettleAsync();
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var node = (await cluster.GetAsync<Node>(null, "flaky"))!;
        Assert.That(Conditions.Find(node.Status.Conditions, NodeConditionType.Ready)!.Status, Is.EqualTo(ConditionStatus.True));
        Assert.That(node.Spec.Taints, Is.Empty);
    }
}
