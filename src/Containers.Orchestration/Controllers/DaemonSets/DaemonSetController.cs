using System.Collections.Concurrent;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Scheduling;
using Containers.Orchestration.Serialization;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.DaemonSets;

/// <summary>
/// Runs one pod of each DaemonSet on every eligible node (kube's DaemonSet controller): eligibility
/// is <see cref="DaemonPods.ShouldRun"/>; a node that needs a pod gets one pinned to it by a required
/// node affinity on <c>metadata.name</c> (the scheduler binds it) and carrying the daemon
/// tolerations; surplus, failed or finished daemon pods, and those on nodes they no longer fit, are
/// deleted. Templates are ControllerRevisions and pods carry their hash; RollingUpdate replaces old
/// pods node by node while at most maxUnavailable (1 by default; a percentage rounds up) of the
/// desired pods are unavailable, unavailable old pods first; OnDelete leaves it to the user.
/// </summary>
public sealed partial class DaemonSetController : IReconciler
{
    public const string RollingUpdate = "RollingUpdate";
    public const string OnDelete = "OnDelete";
    private const int DefaultRevisionHistoryLimit = 10;

    private readonly ControllerContext _context;
    private readonly Informer<DaemonSet> _sets;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly Informer<ControllerRevision> _revisions;
    private readonly ControllerExpectations _expectations;
    private readonly ILogger _logger;

    public DaemonSetController(ControllerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<DaemonSetController>();
        _expectations = new ControllerExpectations(context.Time);
        _sets = context.Informers.For<DaemonSet>();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddByControllerUid();
        _nodes = context.Informers.For<Node>();
        _revisions = context.Informers.For<ControllerRevision>();
        _revisions.Cache.AddByControllerUid();
        _sets.AddEventHandler(new InformerHandler<DaemonSet>
        {
            OnAdd = ds => context.Queue.Add(ds.Key),
            OnUpdate = (_, ds) => context.Queue.Add(ds.Key),
            OnDelete = ds =>
            {
                _expectations.Forget(ds.Key);
                context.Queue.Add(ds.Key);
            },
        });
        _pods.AddEventHandler(new InformerHandler<Pod>
        {
            OnAdd = pod =>
            {
                if (OwnerKey(pod) is { } owner)
                {
                    if (pod.Metadata.DeletionTimestamp is null)
                    {
                        _expectations.CreationObserved(owner);
                    }
                    else
                    {
                        _expectations.DeletionObserved(owner, pod.Key);
                    }

                    context.Queue.Add(owner);
                }
            },
            OnUpdate = (old, pod) =>
            {
                if (OwnerKey(pod) is { } owner)
                {
                    if (pod.Metadata.DeletionTimestamp is not null)
                    {
                        _expectations.DeletionObserved(owner, pod.Key);
                    }

                    context.Queue.Add(owner);
                }

                if (old.Metadata.ControllerReference?.Uid != pod.Metadata.ControllerReference?.Uid && OwnerKey(old) is { } previous)
                {
                    context.Queue.Add(previous);
                }
            },
            OnDelete = pod =>
            {
                if (OwnerKey(pod) is { } owner)
                {
                    _expectations.DeletionObserved(owner, pod.Key);
                    context.Queue.Add(owner);
                }
            },
        });
        _nodes.AddEventHandler(new InformerHandler<Node>
        {
            OnAdd = _ => EnqueueAll(),
            OnUpdate = (old, node) =>
            {
                if (!KubeJson.SemanticEquals(old.Spec, node.Spec) || !SameLabels(old, node))
                {
                    EnqueueAll();
                }
            },
            OnDelete = _ => EnqueueAll(),
        });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var ds = _sets.Cache.Get(key);
        if (ds is null || ds.Spec.Selector is not { IsEmpty: false } selector)
        {
            _expectations.Forget(key);
            return ReconcileResult.Done;
        }

        var nodes = _nodes.Cache.List().OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var hash = await CurrentRevisionHashAsync(ds, cancellationToken).ConfigureAwait(false);
        var pods = await ControllerRefs.ClaimAsync(_context.Client, ds, selector, _pods.Cache.List(ds.Namespace), cancellationToken).ConfigureAwait(false);
        if (ds.Metadata.DeletionTimestamp is null && _expectations.Satisfied(key))
        {
            var (delete, create) = Plan(ds, nodes, ByNode(pods, nodes));
            await SyncNodesAsync(ds, delete, create, hash, cancellationToken).ConfigureAwait(false);
            if (_expectations.Satisfied(key) && (ds.Spec.UpdateStrategy.Type ?? RollingUpdate) == RollingUpdate)
            {
                // The rolling update works on what the cache shows after the manage step's own writes
                // are observed, so it runs on the next pass when the manage step acted.
                if (delete.Count == 0 && create.Count == 0)
                {
                    var replace = RollingUpdatePlan(ds, nodes, ByNode(pods, nodes), hash);
                    await SyncNodesAsync(ds, replace, [], hash, cancellationToken).ConfigureAwait(false);
                }
            }

            await CleanupHistoryAsync(ds, pods, hash, cancellationToken).ConfigureAwait(false);
        }

        return await UpdateStatusAsync(ds, nodes, ByNode(pods, nodes), hash, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The daemon pods by the node they run on or are pinned to; pods whose node is gone are under the empty name.</summary>
    private static Dictionary<string, List<Pod>> ByNode(List<Pod> pods, List<Node> nodes)
    {
        var known = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var byNode = new Dictionary<string, List<Pod>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var node = !string.IsNullOrEmpty(pod.Spec.NodeName) ? pod.Spec.NodeName : NodeAffinity.PinnedNode(pod.Spec);
            node = node is not null && known.Contains(node) ? node : string.Empty;
            if (!byNode.TryGetValue(node, out var list))
            {
                byNode[node] = list = [];
            }

            list.Add(pod);
        }

        return byNode;
    }

    /// <summary>The pods to delete and the nodes that need a pod (podsShouldBeOnNode over every node).</summary>
    private static (List<Pod> Delete, List<string> Create) Plan(DaemonSet ds, List<Node> nodes, Dictionary<string, List<Pod>> byNode)
    {
        var delete = new List<Pod>();
        var create = new List<string>();
        foreach (var node in nodes)
        {
            var (shouldRun, shouldContinue) = DaemonPods.ShouldRun(ds, node);
            var exists = byNode.TryGetValue(node.Name, out var daemonPods);
            if (shouldRun && !exists)
            {
                create.Add(node.Name);
            }
            else if (shouldContinue && exists)
            {
                var running = new List<Pod>();
                foreach (var pod in daemonPods!.Where(p => p.Metadata.DeletionTimestamp is null))
                {
                    if (pod.Status.Phase is PodPhase.Failed or PodPhase.Succeeded)
                    {
                        delete.Add(pod);
                    }
                    else
                    {
                        running.Add(pod);
                    }
                }

                // One pod per node: the oldest (running before pending) stays.
                delete.AddRange(running
                    .OrderBy(p => p.Status.Phase == PodPhase.Running ? 0 : 1)
                    .ThenBy(p => p.Metadata.CreationTimestamp)
                    .ThenBy(p => p.Name, StringComparer.Ordinal)
                    .Skip(1));
            }
            else if (!shouldContinue && exists)
            {
                delete.AddRange(daemonPods!.Where(p => p.Metadata.DeletionTimestamp is null));
            }
        }

        // Daemon pods of nodes that are gone.
        if (byNode.TryGetValue(string.Empty, out var orphans))
        {
            delete.AddRange(orphans.Where(p => p.Metadata.DeletionTimestamp is null));
        }

        return (delete, create);
    }

    /// <summary>The old pods to replace now, within maxUnavailable (kube's rollingUpdate without surge).</summary>
    private List<Pod> RollingUpdatePlan(DaemonSet ds, List<Node> nodes, Dictionary<string, List<Pod>> byNode, string hash)
    {
        var now = _context.Time.GetUtcNow();
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        var desired = nodes.Count(n => DaemonPods.ShouldRun(ds, n).ShouldRun);
        var maxUnavailable = MaxUnavailable(ds, desired);
        var unavailable = 0;
        var replaceNow = new List<Pod>();
        var candidates = new List<Pod>();
        foreach (var node in nodes)
        {
            if (!byNode.TryGetValue(node.Name, out var pods))
            {
                continue;
            }

            var live = pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
            var fresh = live.Where(p => IsUpdated(p, hash)).ToList();
            var old = live.Where(p => !IsUpdated(p, hash)).ToList();
            if (fresh.Count > 1 || old.Count > 1 || (fresh.Count == 0 && old.Count == 0) || (fresh.Count == 1 && old.Count == 1))
            {
                // The manage step sorts this node out; count it unavailable meanwhile.
                unavailable++;
            }
            else if (fresh.Count == 1)
            {
                unavailable += PodStates.IsAvailable(fresh[0], minReady, now) ? 0 : 1;
            }
            else if (!PodStates.IsAvailable(old[0], minReady, now))
            {
                replaceNow.Add(old[0]);
            }
            else if (unavailable < maxUnavailable)
            {
                candidates.Add(old[0]);
            }
        }

        var budget = Math.Clamp(maxUnavailable - unavailable, 0, candidates.Count);
        return [.. replaceNow, .. candidates.Take(budget)];
    }

    /// <summary>maxUnavailable against the desired pods, a percentage rounded up; never below 1.</summary>
    private static int MaxUnavailable(DaemonSet ds, int desired)
    {
        var rolling = ds.Spec.UpdateStrategy.RollingUpdate;
        var unavailable = (rolling?.MaxUnavailable ?? new IntOrString(1)).GetScaledValue(desired, roundUp: true);
        return unavailable == 0 ? 1 : unavailable;
    }

    private static bool IsUpdated(Pod pod, string hash) => pod.Metadata.Labels.GetValueOrDefault(Revisions.HashLabel) == hash;

    private async Task SyncNodesAsync(DaemonSet ds, List<Pod> delete, List<string> create, string hash, CancellationToken cancellationToken)
    {
        if (delete.Count == 0 && create.Count == 0)
        {
            return;
        }

        var key = ds.Key;
        if (create.Count > 0)
        {
            _expectations.ExpectCreations(key, create.Count);
            var (created, attempted, error) = await SlowStart.RunAsync(create.Count, 1, async i =>
            {
                try
                {
                    await _context.Client.CreateAsync(NewPod(ds, create[i], hash), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _expectations.CreationObserved(key);
                    throw;
                }
            }).ConfigureAwait(false);
            for (var i = attempted; i < create.Count; i++)
            {
                _expectations.CreationObserved(key);
            }

            Log.Created(_logger, key, created, create.Count);
            if (error is not null)
            {
                throw new UnavailableException($"daemonset {key}: created {created} of {create.Count} pods: {error.Message}", error);
            }
        }

        if (delete.Count > 0)
        {
            _expectations.ExpectDeletions(key, delete.Select(p => p.Key));
            var errors = new ConcurrentBag<Exception>();
            await Task.WhenAll(delete.Select(async pod =>
            {
                try
                {
                    await _context.Client.DeleteAsync<Pod>(pod.Key, new DeleteOptions { Preconditions = new Store.Preconditions(pod.Metadata.Uid) }, cancellationToken).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    _expectations.DeletionObserved(key, pod.Key);
                }
#pragma warning disable CA1031 // Collected and rethrown once every delete was tried.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _expectations.DeletionObserved(key, pod.Key);
                    errors.Add(e);
                }
            })).ConfigureAwait(false);
            Log.Deleted(_logger, key, delete.Count - errors.Count, delete.Count);
            if (!errors.IsEmpty)
            {
                throw new AggregateException($"daemonset {key}: {errors.Count} of {delete.Count} pod deletions failed", errors);
            }
        }
    }

    private static Pod NewPod(DaemonSet ds, string node, string hash)
    {
        var pod = PodStates.FromTemplate(ds.Spec.Template, ds);
        var labels = new Dictionary<string, string>(pod.Metadata.Labels, StringComparer.Ordinal) { [Revisions.HashLabel] = hash };
        return pod with
        {
            Metadata = pod.Metadata with { Labels = labels },
            Spec = pod.Spec with
            {
                Affinity = NodeAffinity.PinToNode(pod.Spec.Affinity, node),
                Tolerations = DaemonPods.WithDaemonTolerations(pod.Spec.Tolerations, pod.Spec.HostNetwork == true),
            },
        };
    }

    /// <summary>The hash of the revision holding the current template: found (and made the newest), or made.</summary>
    private async Task<string> CurrentRevisionHashAsync(DaemonSet ds, CancellationToken cancellationToken)
    {
        var revisions = _revisions.Cache.ByIndex(CommonIndexes.ByControllerUid, ds.Metadata.Uid ?? string.Empty).OrderBy(r => r.Revision).ToList();
        var next = revisions.Count == 0 ? 1 : revisions[^1].Revision + 1;
        var matching = revisions.LastOrDefault(r => Revisions.Holds(r, ds.Spec.Template));
        if (matching is not null)
        {
            if (matching.Revision < revisions[^1].Revision)
            {
                await _context.Client.UpdateAsync(matching with { Revision = next }, cancellationToken).ConfigureAwait(false);
            }

            return Revisions.Hash(matching);
        }

        var collisionCount = ds.Status.CollisionCount;
        for (var attempt = 0; ; attempt++)
        {
            var fresh = Revisions.New(ds, ds.Spec.Template, next, collisionCount);
            try
            {
                return Revisions.Hash(await _context.Client.CreateAsync(fresh, cancellationToken).ConfigureAwait(false));
            }
            catch (AlreadyExistsException) when (attempt < 5)
            {
                var existing = await _context.Client.GetAsync<ControllerRevision>(fresh.Key, cancellationToken).ConfigureAwait(false);
                if (existing is not null && existing.Metadata.ControllerReference?.Uid == ds.Metadata.Uid && Revisions.Holds(existing, ds.Spec.Template))
                {
                    return Revisions.Hash(existing);
                }

                collisionCount = (collisionCount ?? 0) + 1;
                await _context.Client.UpdateStatusRetryingAsync(ds, d => d with { Status = d.Status with { CollisionCount = collisionCount } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CleanupHistoryAsync(DaemonSet ds, List<Pod> pods, string hash, CancellationToken cancellationToken)
    {
        var live = pods.Select(p => p.Metadata.Labels.GetValueOrDefault(Revisions.HashLabel)).Append(hash).ToHashSet(StringComparer.Ordinal);
        var history = _revisions.Cache.ByIndex(CommonIndexes.ByControllerUid, ds.Metadata.Uid ?? string.Empty)
            .Where(r => !live.Contains(Revisions.Hash(r)))
            .OrderBy(r => r.Revision)
            .ToList();
        var surplus = history.Count - (ds.Spec.RevisionHistoryLimit ?? DefaultRevisionHistoryLimit);
        for (var i = 0; i < surplus; i++)
        {
            try
            {
                await _context.Client.DeleteAsync<ControllerRevision>(history[i].Key, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }
        }
    }

    private async Task<ReconcileResult> UpdateStatusAsync(DaemonSet ds, List<Node> nodes, Dictionary<string, List<Pod>> byNode, string hash, CancellationToken cancellationToken)
    {
        var now = _context.Time.GetUtcNow();
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        int desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        TimeSpan? soonest = null;
        foreach (var node in nodes)
        {
            var (shouldRun, _) = DaemonPods.ShouldRun(ds, node);
            var scheduled = byNode.TryGetValue(node.Name, out var pods) && pods.Count > 0;
            if (!shouldRun)
            {
                misscheduled += scheduled ? 1 : 0;
                continue;
            }

            desired++;
            if (!scheduled)
            {
                continue;
            }

            current++;
            var pod = pods!.OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Name, StringComparer.Ordinal).First();
            if (PodStates.IsReady(pod))
            {
                ready++;
                available += PodStates.IsAvailable(pod, minReady, now) ? 1 : 0;
                if (PodStates.UntilAvailable(pod, minReady, now) is { } wait && (soonest is null || wait < soonest))
                {
                    soonest = wait;
                }
            }

            updated += IsUpdated(pod, hash) ? 1 : 0;
        }

        var status = ds.Status with
        {
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = current,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            NumberAvailable = available,
            NumberUnavailable = desired - available,
            UpdatedNumberScheduled = updated,
            ObservedGeneration = ds.Metadata.Generation,
        };
        if (!KubeJson.SemanticEquals(ds.Status, status))
        {
            await _context.Client.UpdateStatusRetryingAsync(ds, d => d with { Status = status }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return soonest is { } after ? ReconcileResult.After(after) : ReconcileResult.Done;
    }

    private void EnqueueAll()
    {
        foreach (var ds in _sets.Cache.List())
        {
            _context.Queue.Add(ds.Key);
        }
    }

    private static bool SameLabels(Node a, Node b) =>
        a.Metadata.Labels.Count == b.Metadata.Labels.Count && a.Metadata.Labels.All(l => b.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value);

    private static NamespacedName? OwnerKey(Pod pod) =>
        pod.Metadata.ControllerReference is { Kind: DaemonSet.KindName } owner ? new NamespacedName(pod.Namespace, owner.Name) : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 8701, Level = LogLevel.Debug, Message = "DaemonSet {Key}: created {Created} of {Wanted} pods")]
        public static partial void Created(ILogger logger, NamespacedName key, int created, int wanted);

        [LoggerMessage(EventId = 8702, Level = LogLevel.Debug, Message = "DaemonSet {Key}: deleted {Deleted} of {Wanted} pods")]
        public static partial void Deleted(ILogger logger, NamespacedName key, int deleted, int wanted);
    }
}
