using System.Collections.Concurrent;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Deployments;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Nodes;
using Containers.Orchestration.Store;
using Containers.Orchestration.Tests.Controllers.Testing;

namespace Containers.Orchestration.Tests.Controllers.Deployments;

public sealed class DeploymentControllerTests
{
    private VirtualCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        await _cluster.AddNodeAsync("n1", cpu: "64", memory: "128Gi");
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    [Test]
    public async Task NewDeployment_MakesOneReplicaSetNamedByTemplateHash_AndCompletes()
    {
        await _cluster.Client.CreateAsync(TestObjects.Deployment("web", 3));
        await _cluster.SettleAsync();

        var rs = (await _cluster.ListAsync<ReplicaSet>()).Single();
        var hash = rs.Metadata.Labels[DeploymentAnnotations.PodTemplateHashLabel];
        Assert.That(rs.Name, Is.EqualTo("web-" + hash));
        Assert.That(hash, Does.Match("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$"));
        Assert.That(rs.Spec.Selector!.MatchLabels[DeploymentAnnotations.PodTemplateHashLabel], Is.EqualTo(hash));
        Assert.That(rs.Metadata.Annotations[DeploymentAnnotations.Revision], Is.EqualTo("1"));
        Assert.That(rs.Metadata.Annotations[DeploymentAnnotations.DesiredReplicas], Is.EqualTo("3"));
        Assert.That(rs.Metadata.Annotations[DeploymentAnnotations.MaxReplicas], Is.EqualTo("4"), "3 + maxSurge 25% of 3 rounded up");
        var d = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        Assert.That(d.Status.ReadyReplicas, Is.EqualTo(3));
        Assert.That(Conditions.Find(d.Status.Conditions, DeploymentConditionReasons.Progressing)!.Message, Is.EqualTo($"ReplicaSet \"{rs.Name}\" has successfully progressed."));
        Assert.That((await _cluster.ListAsync<Pod>()).Select(p => p.Metadata.Labels[DeploymentAnnotations.PodTemplateHashLabel]), Is.All.EqualTo(hash));
    }

    [Test]
    public async Task Recreate_StopsEveryOldPodBeforeStartingNewOnes()
    {
        var d = TestObjects.Deployment("web", 3);
        d = d with { Spec = d.Spec with { Strategy = new DeploymentStrategy { Type = "Recreate" } } };
        var created = await _cluster.Client.CreateAsync(d);
        await _cluster.SettleAsync();

        var overlap = 0;
        var images = new ConcurrentDictionary<NamespacedName, string>();
        using var stop = new CancellationTokenSource();
        var pods = await _cluster.Store.ListAsync(_cluster.Client.Registry.Get<Pod>(), "default");
        foreach (var pod in pods.Items.Cast<Pod>())
        {
            images[pod.Key] = pod.Spec.Containers[0].Image!;
        }

        var watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in _cluster.Store.WatchAsync(_cluster.Client.Registry.Get<Pod>(), "default", new WatchOptions { ResourceVersion = pods.ResourceVersion }, stop.Token))
                {
                    var pod = (Pod)e.Object!;
                    if (e.Type == WatchEventType.Deleted)
                    {
                        images.TryRemove(pod.Key, out _);
                    }
                    else
                    {
                        images[pod.Key] = pod.Spec.Containers[0].Image!;
                    }

                    if (images.Values.Distinct().Count() > 1)
                    {
                        Interlocked.Increment(ref overlap);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        await _cluster.Client.UpdateAsync(TestObjects.WithImage(current, "nginx:2.0"));
        await _cluster.SettleAsync();
        await stop.CancelAsync();
        await watch;

        Assert.That(overlap, Is.Zero, "no new pod exists while an old one does");
        var after = await _cluster.ListAsync<Pod>();
        Assert.That(after.Select(p => p.Spec.Containers[0].Image), Is.EqualTo(Enumerable.Repeat("nginx:2.0", 3)));
        Assert.That((await _cluster.GetAsync<Deployment>("default", "web"))!.Status.AvailableReplicas, Is.EqualTo(3));
    }

    [Test]
    public async Task ScalingInTheMiddleOfARollout_IsProportional_AsTheDocumentationShows()
    {
        // kubernetes.io "Proportional scaling": 10 replicas, maxSurge 3, maxUnavailable 2, a rollout to an
        // image that never becomes ready, then a scale to 15: 3 go to the old ReplicaSet and 2 to the new.
        var d = TestObjects.Deployment("web", 10, maxSurge: 3, maxUnavailable: 2);
        d = d with { Spec = d.Spec with { Template = TestObjects.WithReadinessProbe(d.Spec.Template, periodSeconds: 1) } };
        await _cluster.Client.CreateAsync(d);
        await _cluster.SettleAsync();
        foreach (var pod in await _cluster.ListAsync<Pod>())
        {
            _cluster.Runtime("n1").SetProbeResult(pod.Key, ProbeResult.Success);
        }

        _cluster.Runtime("n1").DefaultProbeResult = ProbeResult.Failure;
        var current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        await _cluster.Client.UpdateAsync(TestObjects.WithImage(current, "nginx:bad"));
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.That(await SizesAsync(), Is.EqualTo((8, 5)), "stuck: 13 pods, 8 available");

        current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        await _cluster.Client.UpdateAsync(current with { Spec = current.Spec with { Replicas = 15 } });
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.That(await SizesAsync(), Is.EqualTo((11, 7)));
        var sets = await _cluster.ListAsync<ReplicaSet>();
        Assert.That(sets.Select(rs => rs.Metadata.Annotations[DeploymentAnnotations.DesiredReplicas]), Is.All.EqualTo("15"));
        Assert.That(sets.Select(rs => rs.Metadata.Annotations[DeploymentAnnotations.MaxReplicas]), Is.All.EqualTo("18"));
    }

    [Test]
    public async Task Undo_RollsBackToThePreviousTemplateUnderANewRevision()
    {
        await _cluster.Client.CreateAsync(TestObjects.Deployment("web", 2));
        await _cluster.SettleAsync();
        var first = (await _cluster.ListAsync<ReplicaSet>()).Single();
        var current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        await _cluster.Client.UpdateAsync(TestObjects.WithImage(current, "nginx:2.0"));
        await _cluster.SettleAsync();
        Assert.That((await _cluster.GetAsync<Deployment>("default", "web"))!.Metadata.Annotations[DeploymentAnnotations.Revision], Is.EqualTo("2"));

        var result = await DeploymentRollback.UndoAsync(_cluster.Client, new NamespacedName("default", "web"));
        await _cluster.SettleAsync();

        Assert.That(result, Is.EqualTo("rolled back"));
        var d = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        Assert.That(d.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("nginx:1.0"));
        Assert.That(d.Spec.Template.Metadata.Labels.ContainsKey(DeploymentAnnotations.PodTemplateHashLabel), Is.False);
        Assert.That(d.Metadata.Annotations[DeploymentAnnotations.Revision], Is.EqualTo("3"));
        var revived = (await _cluster.GetAsync<ReplicaSet>("default", first.Name))!;
        Assert.That(revived.Spec.Replicas, Is.EqualTo(2), "the first ReplicaSet is the new one again");
        Assert.That(revived.Metadata.Annotations[DeploymentAnnotations.Revision], Is.EqualTo("3"));
        Assert.That(revived.Metadata.Annotations[DeploymentAnnotations.RevisionHistory], Is.EqualTo("1"));
        Assert.That((await _cluster.ListAsync<Pod>()).Select(p => p.Spec.Containers[0].Image), Is.All.EqualTo("nginx:1.0"));

        Assert.That(await DeploymentRollback.UndoAsync(_cluster.Client, new NamespacedName("default", "web"), toRevision: 3), Is.EqualTo("skipped rollback (current template already matches revision 3)"));
        Assert.That(async () => await DeploymentRollback.UndoAsync(_cluster.Client, new NamespacedName("default", "web"), toRevision: 7), Throws.InstanceOf<NotFoundException>().With.Message.EqualTo("unable to find specified revision 7 in history"));
    }

    [Test]
    public async Task RevisionHistoryLimit_DeletesTheOldestEmptyReplicaSets()
    {
        var d = TestObjects.Deployment("web", 1);
        await _cluster.Client.CreateAsync(d with { Spec = d.Spec with { RevisionHistoryLimit = 2 } });
        await _cluster.SettleAsync();
        for (var version = 2; version <= 5; version++)
        {
            var current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
            await _cluster.Client.UpdateAsync(TestObjects.WithImage(current, $"nginx:{version}.0"));
            await _cluster.SettleAsync();
        }

        var sets = await _cluster.ListAsync<ReplicaSet>();
        Assert.That(sets.Select(rs => rs.Metadata.Annotations[DeploymentAnnotations.Revision]).Order(), Is.EqualTo(new[] { "3", "4", "5" }), "the new one and two old ones are kept");
        Assert.That(sets.Single(rs => rs.Spec.Replicas == 1).Spec.Template.Spec.Containers[0].Image, Is.EqualTo("nginx:5.0"));
    }

    [Test]
    public async Task ProgressDeadline_TurnsProgressingFalseWhenARolloutStalls()
    {
        var d = TestObjects.Deployment("web", 2);
        d = d with { Spec = d.Spec with { ProgressDeadlineSeconds = 60, Template = TestObjects.WithReadinessProbe(d.Spec.Template, periodSeconds: 1) } };
        await _cluster.Client.CreateAsync(d);
        await _cluster.SettleAsync();
        foreach (var pod in await _cluster.ListAsync<Pod>())
        {
            _cluster.Runtime("n1").SetProbeResult(pod.Key, ProbeResult.Success);
        }

        _cluster.Runtime("n1").DefaultProbeResult = ProbeResult.Failure;
        var current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        await _cluster.Client.UpdateAsync(TestObjects.WithImage(current, "nginx:bad"));
        await _cluster.SettleAsync();
        var progressing = Conditions.Find((await _cluster.GetAsync<Deployment>("default", "web"))!.Status.Conditions, DeploymentConditionReasons.Progressing)!;
        Assert.That(progressing.Status, Is.EqualTo(ConditionStatus.True));
        var lastProgress = progressing.LastUpdateTime!.Value;

        await _cluster.AdvanceAsync(lastProgress.AddSeconds(60) - _cluster.Time.GetUtcNow(), TimeSpan.FromSeconds(5));
        Assert.That(Conditions.Find((await _cluster.GetAsync<Deployment>("default", "web"))!.Status.Conditions, DeploymentConditionReasons.Progressing)!.Status, Is.EqualTo(ConditionStatus.True), "not past the deadline yet");
        await _cluster.AdvanceAsync(TimeSpan.FromSeconds(2));

        progressing = Conditions.Find((await _cluster.GetAsync<Deployment>("default", "web"))!.Status.Conditions, DeploymentConditionReasons.Progressing)!;
        Assert.That(progressing.Status, Is.EqualTo(ConditionStatus.False));
        Assert.That(progressing.Reason, Is.EqualTo(DeploymentConditionReasons.ProgressDeadlineExceeded));
        Assert.That(progressing.Message, Does.EndWith("has timed out progressing."));
    }

    [Test]
    public async Task PausedDeployment_DoesNotRollOutUntilResumed()
    {
        await _cluster.Client.CreateAsync(TestObjects.Deployment("web", 2));
        await _cluster.SettleAsync();
        var current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        current = await _cluster.Client.UpdateAsync(current with { Spec = current.Spec with { Paused = true } });
        await _cluster.SettleAsync();
        current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        Assert.That(Conditions.Find(current.Status.Conditions, DeploymentConditionReasons.Progressing)!.Reason, Is.EqualTo(DeploymentConditionReasons.DeploymentPaused));

        await _cluster.Client.UpdateAsync(TestObjects.WithImage(current, "nginx:2.0"));
        await _cluster.SettleAsync();
        Assert.That(await _cluster.ListAsync<ReplicaSet>(), Has.Count.EqualTo(1), "a paused Deployment makes no new ReplicaSet");

        current = (await _cluster.GetAsync<Deployment>("default", "web"))!;
        await _cluster.Client.UpdateAsync(current with { Spec = current.Spec with { Paused = false } });
        await _cluster.SettleAsync();
        Assert.That(await _cluster.ListAsync<ReplicaSet>(), Has.Count.EqualTo(2));
        Assert.That((await _cluster.ListAsync<Pod>()).Select(p => p.Spec.Containers[0].Image), Is.All.EqualTo("nginx:2.0"));
    }

    [Test]
    public void Fenceposts_RoundSurgeUpAndUnavailableDown()
    {
        var d = TestObjects.Deployment("web", 10);
        Assert.That(DeploymentMathProbe.Fenceposts(d), Is.EqualTo((3, 2)));
        d = TestObjects.Deployment("web", 1, maxSurge: "0%", maxUnavailable: "10%");
        Assert.That(DeploymentMathProbe.Fenceposts(d), Is.EqualTo((0, 1)), "both zero makes one unavailable allowed");
    }

    private async Task<(int Old, int New)> SizesAsync()
    {
        var sets = await _cluster.ListAsync<ReplicaSet>();
        return (
            sets.Where(rs => rs.Spec.Template.Spec.Containers[0].Image == "nginx:1.0").Sum(rs => rs.Spec.Replicas ?? 0),
            sets.Where(rs => rs.Spec.Template.Spec.Containers[0].Image != "nginx:1.0").Sum(rs => rs.Spec.Replicas ?? 0));
    }

    private static class DeploymentMathProbe
    {
        public static (int, int) Fenceposts(Deployment d) => DeploymentMath.Fenceposts(d);
    }
}
