using System.Collections.Concurrent;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.StatefulSets;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Store;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.StatefulSets;

public sealed class StatefulSetControllerTests
{
    private VirtualCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        await _cluster.AddNodeAsync("n1", cpu: "16", memory: "32Gi");
        _cluster.Runtime("n1").DefaultProbeResult = ProbeResult.Failure;
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task OrderedReady_CreatesEachPodOnlyAfterItsPredecessorIsRunningAndReady()
    {
        await _cluster.Client.CreateAsync(TestObjects.StatefulSet("web", 3));
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.That(await NamesAsync(), Is.EqualTo(new[] { "web-0" }), "web-1 waits while web-0 is not ready");

        var web0 = (await _cluster.GetAsync<Pod>("default", "web-0"))!;
        Assert.That(web0.Status.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(web0.Spec.Hostname, Is.EqualTo("web-0"));
        Assert.That(web0.Spec.Subdomain, Is.EqualTo("web"));
        Assert.That(web0.Metadata.Labels[StatefulSetLabels.PodName], Is.EqualTo("web-0"));
        Assert.That(web0.Metadata.Labels[StatefulSetLabels.PodIndex], Is.EqualTo("0"));
        Assert.That(web0.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim!.ClaimName, Is.EqualTo("data-web-0"));
        Assert.That(await _cluster.GetAsync<PersistentVolumeClaim>("default", "data-web-0"), Is.Not.Null);

        await MakeReadyAsync("web-0");
        Assert.That(await NamesAsync(), Is.EqualTo(new[] { "web-0", "web-1" }));
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.That(await NamesAsync(), Is.EqualTo(new[] { "web-0", "web-1" }), "web-2 waits for web-1");

        await MakeReadyAsync("web-1");
        await MakeReadyAsync("web-2");
        Assert.That(await NamesAsync(), Is.EqualTo(new[] { "web-0", "web-1", "web-2" }));
        var set = (await _cluster.GetAsync<StatefulSet>("default", "web"))!;
        Assert.That(set.Status.ReadyReplicas, Is.EqualTo(3));
        Assert.That(set.Status.CurrentRevision, Is.EqualTo(set.Status.UpdateRevision));
        Assert.That((await _cluster.ListAsync<PersistentVolumeClaim>()).Select(c => c.Name).Order(), Is.EqualTo(new[] { "data-web-0", "data-web-1", "data-web-2" }));
    }

    [Test]
    public async Task ScaleDown_DeletesFromTheHighestOrdinalOneAtATime_AndKeepsTheClaims()
    {
        await StartReadyAsync(3);
        var deletions = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var watch = WatchDeletionsAsync(deletions, stop.Token);

        var set = (await _cluster.GetAsync<StatefulSet>("default", "web"))!;
        await _cluster.Client.UpdateAsync(set with { Spec = set.Spec with { Replicas = 1 } });
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await watch;

        Assert.That(deletions, Is.EqualTo(new[] { "web-2", "web-1" }));
        Assert.That(await NamesAsync(), Is.EqualTo(new[] { "web-0" }));
        Assert.That((await _cluster.ListAsync<PersistentVolumeClaim>()).Select(c => c.Name).Order(), Is.EqualTo(new[] { "data-web-0", "data-web-1", "data-web-2" }), "claims outlive a scale-down");
    }

    [Test]
    public async Task Parallel_CreatesEveryPodAtOnce()
    {
        var set = TestObjects.StatefulSet("web", 3);
        await _cluster.Client.CreateAsync(set with { Spec = set.Spec with { PodManagementPolicy = StatefulSetController.Parallel } });
        await _cluster.SettleAsync();
        Assert.That(await NamesAsync(), Is.EqualTo(new[] { "web-0", "web-1", "web-2" }), "none of them is ready, and all exist");
    }

    [Test]
    public async Task RollingUpdate_ReplacesFromTheHighestOrdinalDownToThePartition()
    {
        await StartReadyAsync(3);
        var set = (await _cluster.GetAsync<StatefulSet>("default", "web"))!;
        var oldRevision = set.Status.CurrentRevision;

        // Probe results follow pod names: the replacements of web-1 and web-2 start unready.
        _cluster.Runtime("n1").SetProbeResult(new NamespacedName("default", "web-1"), ProbeResult.Failure);
        _cluster.Runtime("n1").SetProbeResult(new NamespacedName("default", "web-2"), ProbeResult.Failure);
        set = set with
        {
            Spec = set.Spec with
            {
                UpdateStrategy = new StatefulSetUpdateStrategy { Type = StatefulSetController.RollingUpdate, RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 1 } },
                Template = set.Spec.Template with { Spec = set.Spec.Template.Spec with { Containers = [set.Spec.Template.Spec.Containers[0] with { Image = "nginx:2.0" }] } },
            },
        };
        await _cluster.Client.UpdateAsync(set);
        await _cluster.SettleAsync();

        Assert.That(await ImageOfAsync("web-2"), Is.EqualTo("nginx:2.0"), "the highest ordinal goes first");
        Assert.That(await ImageOfAsync("web-1"), Is.EqualTo("nginx:1.0"), "web-1 waits until web-2 is ready again");
        await MakeReadyAsync("web-2");
        Assert.That(await ImageOfAsync("web-1"), Is.EqualTo("nginx:2.0"));
        await MakeReadyAsync("web-1");
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.That(await ImageOfAsync("web-0"), Is.EqualTo("nginx:1.0"), "below the partition nothing changes");
        var status = (await _cluster.GetAsync<StatefulSet>("default", "web"))!.Status;
        Assert.That(status.CurrentRevision, Is.EqualTo(oldRevision));
        Assert.That(status.UpdateRevision, Is.Not.EqualTo(oldRevision));
        Assert.That(status.UpdatedReplicas, Is.EqualTo(2));

        _cluster.Runtime("n1").SetProbeResult(new NamespacedName("default", "web-0"), ProbeResult.Failure);
        set = (await _cluster.GetAsync<StatefulSet>("default", "web"))!;
        await _cluster.Client.UpdateAsync(set with { Spec = set.Spec with { UpdateStrategy = set.Spec.UpdateStrategy with { RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 0 } } } });
        await _cluster.SettleAsync();
        Assert.That(await ImageOfAsync("web-0"), Is.EqualTo("nginx:2.0"));
        await MakeReadyAsync("web-0");
        status = (await _cluster.GetAsync<StatefulSet>("default", "web"))!.Status;
        Assert.That(status.CurrentRevision, Is.EqualTo(status.UpdateRevision), "a finished rollout makes the update revision current");
        Assert.That(status.CurrentReplicas, Is.EqualTo(3));
    }

    [Test]
    public async Task OnDelete_UpdatesOnlyPodsDeletedByHand()
    {
        var set = TestObjects.StatefulSet("web", 2);
        set = set with { Spec = set.Spec with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = StatefulSetController.OnDelete } } };
        await _cluster.Client.CreateAsync(set);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        await MakeReadyAsync("web-0");
        await MakeReadyAsync("web-1");

        set = (await _cluster.GetAsync<StatefulSet>("default", "web"))!;
        await _cluster.Client.UpdateAsync(set with { Spec = set.Spec with { Template = set.Spec.Template with { Spec = set.Spec.Template.Spec with { Containers = [set.Spec.Template.Spec.Containers[0] with { Image = "nginx:2.0" }] } } } });
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.That(await ImageOfAsync("web-0"), Is.EqualTo("nginx:1.0"));
        Assert.That(await ImageOfAsync("web-1"), Is.EqualTo("nginx:1.0"));

        await _cluster.Client.DeleteAsync<Pod>(new NamespacedName("default", "web-1"));
        await _cluster.SettleAsync();
        Assert.That(await ImageOfAsync("web-1"), Is.EqualTo("nginx:2.0"));
        Assert.That(await ImageOfAsync("web-0"), Is.EqualTo("nginx:1.0"));
    }

    [Test]
    public void Ordinal_ReadsOnlyTheSetsOwnNames()
    {
        var set = TestObjects.StatefulSet("web", 1);
        Assert.That(StatefulSetController.Ordinal(set, TestObjects.Pod("web-12")), Is.EqualTo(12));
        Assert.That(StatefulSetController.Ordinal(set, TestObjects.Pod("web-012")), Is.EqualTo(-1));
        Assert.That(StatefulSetController.Ordinal(set, TestObjects.Pod("webx-1")), Is.EqualTo(-1));
        Assert.That(StatefulSetController.Ordinal(set, TestObjects.Pod("web-a")), Is.EqualTo(-1));
        Assert.That(StatefulSetController.ClaimName(set, "data", 3), Is.EqualTo("data-web-3"));
    }

    private async Task StartReadyAsync(int replicas)
    {
        await _cluster.Client.CreateAsync(TestObjects.StatefulSet("web", replicas));
        await _cluster.SettleAsync();
        for (var i = 0; i < replicas; i++)
        {
            await MakeReadyAsync($"web-{i}");
        }

        Assert.That((await _cluster.GetAsync<StatefulSet>("default", "web"))!.Status.ReadyReplicas, Is.EqualTo(replicas));
    }

    /// <summary>The pod's readiness probe succeeds from now on; one probe period later it is ready.</summary>
    private async Task MakeReadyAsync(string pod)
    {
        await _cluster.SettleAsync();
        _cluster.Runtime("n1").SetProbeResult(new NamespacedName("default", pod), ProbeResult.Success);
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.That(PodStates.IsReady((await _cluster.GetAsync<Pod>("default", pod))!), Is.True, pod + " is ready");
    }

    private async Task<IReadOnlyList<string>> NamesAsync() =>
        [.. (await _cluster.ListAsync<Pod>()).Where(p => !PodStates.IsTerminating(p)).Select(p => p.Name).Order(StringComparer.Ordinal)];

    private async Task<string?> ImageOfAsync(string pod) => (await _cluster.GetAsync<Pod>("default", pod))?.Spec.Containers[0].Image;

    private async Task WatchDeletionsAsync(ConcurrentQueue<string> deletions, CancellationToken cancellationToken)
    {
        var pods = await _cluster.Store.ListAsync(_cluster.Client.Registry.Get<Pod>(), "default", cancellationToken: cancellationToken);
        var seen = new HashSet<string>();
        try
        {
            await foreach (var e in _cluster.Store.WatchAsync(_cluster.Client.Registry.Get<Pod>(), "default", new WatchOptions { ResourceVersion = pods.ResourceVersion }, cancellationToken))
            {
                var pod = (Pod)e.Object!;
                if (pod.Metadata.DeletionTimestamp is not null && seen.Add(pod.Name))
                {
                    deletions.Enqueue(pod.Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
