using System.Collections.Concurrent;
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

/// <summary>
/// The documented rolling update of 10 replicas with maxSurge 25% (rounded up: 3) and
/// maxUnavailable 25% (rounded down: 2), step by step in virtual time: the test makes the new pods
/// ready one step at a time, and every state the store goes through keeps at most 13 pods wanted
/// and at least 8 available.
/// </summary>
public sealed class RollingUpdateAcceptanceTests
{
    [Test]
    public async Task RollingUpdate_10Replicas_Surge25Unavailable25_ProceedsAsKubernetesDocuments()
    {
        await using var cluster = await VirtualCluster.StartAsync(m => m.AddBuiltInControllers());
        await cluster.AddNodeAsync("n1", cpu: "32", memory: "64Gi");
        await cluster.AddNodeAsync("n2", cpu: "32", memory: "64Gi");
        var d = TestObjects.Deployment("web", 10);
        d = d with { Spec = d.Spec with { Template = TestObjects.WithReadinessProbe(d.Spec.Template, periodSeconds: 1) } };
        await cluster.Client.CreateAsync(d);
        await cluster.SettleAsync();
        var created = (await cluster.GetAsync<Deployment>("default", "web"))!;
        Assert.That(created.Status.AvailableReplicas, Is.EqualTo(10));
        Assert.That(created.Metadata.Annotations[DeploymentAnnotations.Revision], Is.EqualTo("1"));

        // The running pods stay ready; pods started from now on are not ready until the test says so.
        foreach (var pod in await cluster.ListAsync<Pod>())
        {
            cluster.Runtime(pod.Spec.NodeName!).SetProbeResult(pod.Key, ProbeResult.Success);
        }

        foreach (var agent in cluster.Agents)
        {
            cluster.Runtime(agent.NodeName).DefaultProbeResult = ProbeResult.Failure;
        }

        await using var observer = await InvariantObserver.StartAsync(cluster, maxWanted: 13, minAvailable: 8);
        await cluster.Client.UpdateAsync(TestObjects.WithImage(created, "nginx:2.0"));
        await cluster.SettleAsync();

        var steps = new List<(int Old, int New, int Available)> { await StateAsync(cluster) };
        for (var round = 0; round < 10 && steps[^1] != (0, 10, 10); round++)
        {
            var newRs = await NewReplicaSetAsync(cluster);
            foreach (var pod in (await cluster.ListAsync<Pod>()).Where(p => p.Metadata.ControllerReference?.Uid == newRs.Metadata.Uid && !PodStates.IsReady(p)))
            {
                cluster.Runtime(pod.Spec.NodeName!).SetProbeResult(pod.Key, ProbeResult.Success);
            }

            await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
            steps.Add(await StateAsync(cluster));
        }

        // (old replicas, new replicas, available pods) after each step, as Kubernetes' rollout math
        // gives them. Update: the new ReplicaSet starts at 3 (13 - 10), the old one drops to 8 (10 - 2),
        // then the new one grows to 5 to fill the surge, and nothing else moves while its pods are not
        // ready. Five ready: old 8 → 3 (13 - 8 - 0 unavailable), new 5 → 10. Five more: old 3 → 0.
        Assert.That(steps, Is.EqualTo(new[] { (8, 5, 8), (3, 10, 8), (0, 10, 10) }), string.Join("\n", observer.Trace));
        Assert.That(observer.Violations, Is.Empty, "every observed state keeps at most 13 pods and at least 8 available:\n" + string.Join("\n", observer.Trace));
        Assert.That(observer.StatesSeen, Is.GreaterThan(20));

        var done = (await cluster.GetAsync<Deployment>("default", "web"))!;
        Assert.That(done.Metadata.Annotations[DeploymentAnnotations.Revision], Is.EqualTo("2"));
        Assert.That(done.Status.UpdatedReplicas, Is.EqualTo(10));
        Assert.That(done.Status.AvailableReplicas, Is.EqualTo(10));
        var progressing = Conditions.Find(done.Status.Conditions, DeploymentConditionReasons.Progressing)!;
        Assert.That(progressing.Reason, Is.EqualTo(DeploymentConditionReasons.NewReplicaSetAvailable));
        Assert.That(Conditions.Find(done.Status.Conditions, DeploymentConditionReasons.Available)!.Status, Is.EqualTo(ConditionStatus.True));
        var pods = await cluster.ListAsync<Pod>();
        Assert.That(pods, Has.Count.EqualTo(10));
        Assert.That(pods.Select(p => p.Spec.Containers[0].Image), Is.All.EqualTo("nginx:2.0"));
        Assert.That(pods.Select(p => p.Metadata.Labels[DeploymentAnnotations.PodTemplateHashLabel]).Distinct().Single(), Is.EqualTo(done.Spec.Template.Metadata.Labels.GetValueOrDefault(DeploymentAnnotations.PodTemplateHashLabel) ?? (await NewReplicaSetAsync(cluster)).Spec.Template.Metadata.Labels[DeploymentAnnotations.PodTemplateHashLabel]));
    }

    private static async Task<ReplicaSet> NewReplicaSetAsync(VirtualCluster cluster) =>
        (await cluster.ListAsync<ReplicaSet>()).Single(rs => rs.Spec.Template.Spec.Containers[0].Image == "nginx:2.0");

    private static async Task<(int Old, int New, int Available)> StateAsync(VirtualCluster cluster)
    {
        var sets = await cluster.ListAsync<ReplicaSet>();
        var pods = await cluster.ListAsync<Pod>();
        var old = sets.Where(rs => rs.Spec.Template.Spec.Containers[0].Image == "nginx:1.0").Sum(rs => rs.Spec.Replicas ?? 0);
        var fresh = sets.Where(rs => rs.Spec.Template.Spec.Containers[0].Image == "nginx:2.0").Sum(rs => rs.Spec.Replicas ?? 0);
        return (old, fresh, pods.Count(p => PodStates.IsReady(p) && !PodStates.IsTerminating(p)));
    }

    /// <summary>Follows every change of ReplicaSets and pods in the store and checks the rollout's bounds after each.</summary>
    private sealed class InvariantObserver : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<NamespacedName, ReplicaSet> _sets = new();
        private readonly ConcurrentDictionary<NamespacedName, Pod> _pods = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _lock = new();
        private readonly List<Task> _watches = [];
        private int _maxWanted;
        private int _minAvailable;
        private int _states;

        public ConcurrentQueue<string> Violations { get; } = new();

        public ConcurrentQueue<string> Trace { get; } = new();

        public int StatesSeen => Volatile.Read(ref _states);

        public static async Task<InvariantObserver> StartAsync(VirtualCluster cluster, int maxWanted, int minAvailable)
        {
            var observer = new InvariantObserver { _maxWanted = maxWanted, _minAvailable = minAvailable };
            var registry = cluster.Client.Registry;
            var sets = await cluster.Store.ListAsync(registry.Get<ReplicaSet>(), "default");
            var pods = await cluster.Store.ListAsync(registry.Get<Pod>(), "default");
            foreach (var rs in sets.Items.Cast<ReplicaSet>())
            {
                observer._sets[rs.Key] = rs;
            }

            foreach (var pod in pods.Items.Cast<Pod>())
            {
                observer._pods[pod.Key] = pod;
            }

            observer._watches.Add(observer.FollowAsync(cluster.Store.WatchAsync(registry.Get<ReplicaSet>(), "default", new WatchOptions { ResourceVersion = sets.ResourceVersion }, observer._stop.Token), o => observer._sets, (ReplicaSet rs) => rs));
            observer._watches.Add(observer.FollowAsync(cluster.Store.WatchAsync(registry.Get<Pod>(), "default", new WatchOptions { ResourceVersion = pods.ResourceVersion }, observer._stop.Token), o => observer._pods, (Pod p) => p));
            return observer;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await Task.WhenAll(_watches);
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }

        private async Task FollowAsync<T>(IAsyncEnumerable<WatchEvent> events, Func<object?, ConcurrentDictionary<NamespacedName, T>> map, Func<T, T> identity)
            where T : KubeObject
        {
            await foreach (var e in events)
            {
                if (e.Object is not T obj)
                {
                    continue;
                }

                lock (_lock)
                {
                    if (e.Type == WatchEventType.Deleted)
                    {
                        map(null).TryRemove(obj.Key, out _);
                    }
                    else
                    {
                        map(null)[obj.Key] = identity(obj);
                    }

                    Check();
                }
            }
        }

        private void Check()
        {
            Interlocked.Increment(ref _states);
            var wanted = _sets.Values.Where(rs => rs.Metadata.DeletionTimestamp is null).Sum(rs => rs.Spec.Replicas ?? 0);
            var alive = _pods.Values.Count(p => !PodStates.IsTerminating(p));
            var available = _pods.Values.Count(p => PodStates.IsReady(p) && !PodStates.IsTerminating(p));
            Trace.Enqueue(string.Join(" | ", _sets.Values.OrderBy(r => r.Name).Select(r => $"{r.Spec.Template.Spec.Containers[0].Image}: spec {r.Spec.Replicas}, status {r.Status.Replicas}/{r.Status.AvailableReplicas}")) + $"; pods alive {alive}, available {available}");
            if (wanted > _maxWanted || alive > _maxWanted)
            {
                Violations.Enqueue($"{wanted} replicas wanted and {alive} pods alive, more than {_maxWanted}");
            }

            if (available < _minAvailable)
            {
                Violations.Enqueue($"{available} pods available, fewer than {_minAvailable}");
            }
        }
    }
}
