using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.ReplicaSets;

public sealed class ReplicaSetControllerTests
{
    private VirtualCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        await _cluster.AddNodeAsync("n1");
        await _cluster.AddNodeAsync("n2");
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task ReplicaSet_CreatesOwnedPodsThatRunAndCountsThem()
    {
        await _cluster.Client.CreateAsync(TestObjects.ReplicaSet("web", 3));
        await _cluster.SettleAsync();

        var pods = await _cluster.ListAsync<Pod>();
        Assert.That(pods, Has.Count.EqualTo(3));
        var rs = (await _cluster.GetAsync<ReplicaSet>("default", "web"))!;
        Assert.That(pods.Select(p => p.Metadata.ControllerReference?.Uid), Is.All.EqualTo(rs.Metadata.Uid));
        Assert.That(pods.Select(p => p.Name), Is.All.StartsWith("web-"));
        Assert.That(pods.Select(p => p.Status.Phase), Is.All.EqualTo(PodPhase.Running));
        Assert.That(rs.Status.Replicas, Is.EqualTo(3));
        Assert.That(rs.Status.ReadyReplicas, Is.EqualTo(3));
        Assert.That(rs.Status.AvailableReplicas, Is.EqualTo(3));
        Assert.That(rs.Status.FullyLabeledReplicas, Is.EqualTo(3));
        Assert.That(rs.Status.ObservedGeneration, Is.EqualTo(1));
    }

    [Test]
    public async Task ScaleDown_DeletesTheCheapestPodsFirst()
    {
        var rs = TestObjects.ReplicaSet("web", 3);
        rs = rs with { Spec = rs.Spec with { Template = TestObjects.WithReadinessProbe(rs.Spec.Template) } };
        await _cluster.Client.CreateAsync(rs);
        await _cluster.SettleAsync();
        var pods = await _cluster.ListAsync<Pod>();
        var notReady = pods.OrderBy(p => p.Name, StringComparer.Ordinal).First();
        _cluster.Runtime(notReady.Spec.NodeName!).SetProbeResult(notReady.Key, ProbeResult.Failure);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        Assert.That(PodStates.IsReady((await _cluster.GetAsync<Pod>("default", notReady.Name))!), Is.False);

        var current = (await _cluster.GetAsync<ReplicaSet>("default", "web"))!;
        await _cluster.Client.UpdateAsync(current with { Spec = current.Spec with { Replicas = 2 } });
        await _cluster.SettleAsync();

        var left = await _cluster.ListAsync<Pod>();
        Assert.That(left.Select(p => p.Name), Does.Not.Contain(notReady.Name), "the not-ready pod goes first");
        Assert.That(left, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ReplicaSet_AdoptsMatchingOrphans_AndReleasesPodsThatStopMatching()
    {
        var orphan = TestObjects.Pod("orphan", labels: TestObjects.Labels("app=web"), node: "n1");
        await _cluster.Client.CreateAsync(orphan);
        await _cluster.SettleAsync();
        await _cluster.Client.CreateAsync(TestObjects.ReplicaSet("web", 2));
        await _cluster.SettleAsync();

        var rs = (await _cluster.GetAsync<ReplicaSet>("default", "web"))!;
        var adopted = (await _cluster.GetAsync<Pod>("default", "orphan"))!;
        Assert.That(adopted.Metadata.ControllerReference?.Uid, Is.EqualTo(rs.Metadata.Uid));
        Assert.That(await _cluster.ListAsync<Pod>(), Has.Count.EqualTo(2), "the orphan counts as one of the two");

        await _cluster.Client.UpdateAsync(adopted with { Metadata = adopted.Metadata with { Labels = TestObjects.Labels("app=debug") } });
        await _cluster.SettleAsync();
        var released = (await _cluster.GetAsync<Pod>("default", "orphan"))!;
        Assert.That(released.Metadata.ControllerReference, Is.Null);
        var pods = await _cluster.ListAsync<Pod>();
        Assert.That(pods.Count(p => p.Metadata.ControllerReference?.Uid == rs.Metadata.Uid), Is.EqualTo(2), "a replacement was made");
    }

    [Test]
    public async Task MinReadySeconds_DelaysAvailability()
    {
        var rs = TestObjects.ReplicaSet("web", 2);
        await _cluster.Client.CreateAsync(rs with { Spec = rs.Spec with { MinReadySeconds = 10 } });
        await _cluster.SettleAsync();
        var status = (await _cluster.GetAsync<ReplicaSet>("default", "web"))!.Status;
        Assert.That(status.ReadyReplicas, Is.EqualTo(2));
        Assert.That(status.AvailableReplicas, Is.Zero);

        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(9));
        Assert.That((await _cluster.GetAsync<ReplicaSet>("default", "web"))!.Status.AvailableReplicas, Is.Zero);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.That((await _cluster.GetAsync<ReplicaSet>("default", "web"))!.Status.AvailableReplicas, Is.EqualTo(2));
    }

    [Test]
    public async Task DeletedPod_IsReplaced()
    {
        await _cluster.Client.CreateAsync(TestObjects.ReplicaSet("web", 2));
        await _cluster.SettleAsync();
        var victim = (await _cluster.ListAsync<Pod>())[0];

        await _cluster.Client.DeleteAsync<Pod>(victim.Key);
        await _cluster.SettleAsync();
        var pods = await _cluster.ListAsync<Pod>();
        Assert.That(pods, Has.Count.EqualTo(2));
        Assert.That(pods.Select(p => p.Name), Does.Not.Contain(victim.Name));
    }

    [Test]
    public void Expectations_HoldUntilObservedOrExpired()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var expectations = new ControllerExpectations(time);
        var rs = new NamespacedName("default", "web");
        Assert.That(expectations.Satisfied(rs), Is.True);

        expectations.ExpectCreations(rs, 2);
        Assert.That(expectations.Satisfied(rs), Is.False);
        expectations.CreationObserved(rs);
        Assert.That(expectations.Satisfied(rs), Is.False);
        expectations.CreationObserved(rs);
        Assert.That(expectations.Satisfied(rs), Is.True);

        var pod = new NamespacedName("default", "web-a");
        expectations.ExpectDeletions(rs, [pod]);
        Assert.That(expectations.Satisfied(rs), Is.False);
        expectations.DeletionObserved(rs, new NamespacedName("default", "other"));
        Assert.That(expectations.Satisfied(rs), Is.False, "only the expected pod counts");
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.That(expectations.Satisfied(rs), Is.True, "expectations expire after 5 minutes");
    }
}
