using System.Collections.Concurrent;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Serialization;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.ReplicaSets;

/// <summary>
/// Keeps each ReplicaSet's number of active pods at spec.replicas (kube's ReplicaSet controller):
/// it claims pods by selector (adopting orphans, releasing those that stopped matching), creates
/// missing pods in slow-start batches and deletes surplus ones cheapest first
/// (<see cref="PodDeletionOrder"/>), at most 500 per sync. Expectations keep it from acting again
/// before its informer has seen its own creates and deletes. Status counts replicas, fully labeled,
/// ready and available (ready for minReadySeconds) pods.
/// </summary>
public sealed partial class ReplicaSetController : IReconciler
{
    /// <summary>The most pods created or deleted in one sync (kube's BurstReplicas).</summary>
    public const int BurstReplicas = 500;

    private readonly ControllerContext _context;
    private readonly Informer<ReplicaSet> _replicaSets;
    private readonly Informer<Pod> _pods;
    private readonly ControllerExpectations _expectations;
    private readonly ILogger _logger;

    public ReplicaSetController(ControllerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<ReplicaSetController>();
        _expectations = new ControllerExpectations(context.Time);
        _replicaSets = context.Informers.For<ReplicaSet>();
        _replicaSets.Cache.AddByControllerUid();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddByControllerUid();
        _replicaSets.AddEventHandler(new InformerHandler<ReplicaSet>
        {
            OnAdd = rs => context.Queue.Add(rs.Key),
            OnUpdate = (_, rs) => context.Queue.Add(rs.Key),
            OnDelete = rs =>
            {
                _expectations.Forget(rs.Key);
                context.Queue.Add(rs.Key);
            },
        });
        _pods.AddEventHandler(new InformerHandler<Pod>
        {
            OnAdd = pod =>
            {
                if (pod.Metadata.DeletionTimestamp is not null)
                {
                    OnPodDeleted(pod);
                    return;
                }

                if (OwnerKey(pod) is { } owner)
                {
                    _expectations.CreationObserved(owner);
                    context.Queue.Add(owner);
                }
                else
                {
                    EnqueueMatching(pod);
                }
            },
            OnUpdate = OnPodUpdated,
            OnDelete = OnPodDeleted,
        });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var rs = _replicaSets.Cache.Get(key);
        if (rs is null)
        {
            _expectations.Forget(key);
            return ReconcileResult.Done;
        }

        var selector = rs.Spec.Selector;
        if (selector is null || selector.IsEmpty)
        {
            // An empty selector would match every pod in the namespace; validation forbids it.
            return ReconcileResult.Done;
        }

        var needsSync = _expectations.Satisfied(key) && rs.Metadata.DeletionTimestamp is null;
        var candidates = _pods.Cache.List(rs.Namespace).Where(PodStates.IsActive);
        var pods = await ControllerRefs.ClaimAsync(_context.Client, rs, selector, candidates, cancellationToken).ConfigureAwait(false);

        // Pods this controller deleted whose deletion the cache has not shown yet are gone all the
        // same: counting them would flap the status back up until the cache catches up.
        var pending = _expectations.PendingDeletions(key);
        if (pending.Count > 0)
        {
            pods.RemoveAll(p => pending.Contains(p.Key));
        }

        Exception? manageError = null;
        if (needsSync)
        {
            try
            {
                var deleted = await ManageReplicasAsync(rs, pods, cancellationToken).ConfigureAwait(false);

                // Pods deleted now no longer count: a status that still counted them available would
                // let a Deployment scale another ReplicaSet down on availability that is gone.
                pods.RemoveAll(p => deleted.Contains(p.Key));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                manageError = e;
            }
        }

        var now = _context.Time.GetUtcNow();
        var status = CalculateStatus(rs, pods, manageError, now);
        var updated = await UpdateStatusAsync(rs, status, cancellationToken).ConfigureAwait(false);
        if (manageError is not null)
        {
            throw manageError;
        }

        // Come back when a ready pod turns available.
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var soonest = pods.Select(p => PodStates.UntilAvailable(p, minReady, now)).Where(t => t is not null).Min();
        return updated is not null && soonest is { } wait ? ReconcileResult.After(wait) : ReconcileResult.Done;
    }

    /// <returns>The pods deleted.</returns>
    private async Task<HashSet<NamespacedName>> ManageReplicasAsync(ReplicaSet rs, List<Pod> pods, CancellationToken cancellationToken)
    {
        var key = rs.Key;
        var diff = pods.Count - (rs.Spec.Replicas ?? 1);
        if (diff < 0)
        {
            var count = Math.Min(-diff, BurstReplicas);
            _expectations.ExpectCreations(key, count);
            var template = rs.Spec.Template;
            var (created, attempted, error) = await SlowStart.RunAsync(count, 1, async _ =>
            {
                try
                {
                    await _context.Client.CreateAsync(PodStates.FromTemplate(template, rs), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // A failed create will never be observed.
                    _expectations.CreationObserved(key);
                    throw;
                }
            }).ConfigureAwait(false);

            // The batches not tried will not be observed either.
            var failed = attempted - created;
            for (var i = attempted; i < count; i++)
            {
                _expectations.CreationObserved(key);
            }

            Log.Created(_logger, key, created, count);
            if (error is not null)
            {
                throw new UnavailableException($"replicaset {key}: created {created} of {count} pods; {failed} failed: {error.Message}", error);
            }

            return [];
        }

        if (diff > 0)
        {
            var count = Math.Min(diff, BurstReplicas);
            var victims = pods.Order(new PodDeletionOrder(RelatedPods(rs, pods))).Take(count).ToList();
            _expectations.ExpectDeletions(key, victims.Select(p => p.Key));
            var errors = new ConcurrentBag<Exception>();
            var deleted = new ConcurrentDictionary<NamespacedName, byte>();
            await Task.WhenAll(victims.Select(async pod =>
            {
                try
                {
                    await _context.Client.DeleteAsync<Pod>(pod.Key, new DeleteOptions { Preconditions = new Store.Preconditions(pod.Metadata.Uid) }, cancellationToken).ConfigureAwait(false);
                    deleted[pod.Key] = 0;
                }
                catch (NotFoundException)
                {
                    _expectations.DeletionObserved(key, pod.Key);
                    deleted[pod.Key] = 0;
                }
#pragma warning disable CA1031 // Collected and rethrown as one error after every delete was tried.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _expectations.DeletionObserved(key, pod.Key);
                    errors.Add(e);
                }
            })).ConfigureAwait(false);
            Log.Deleted(_logger, key, count - errors.Count, count);
            if (!errors.IsEmpty)
            {
                throw new AggregateException($"replicaset {key}: {errors.Count} of {count} pod deletions failed", errors);
            }

            return [.. deleted.Keys];
        }

        return [];
    }

    /// <summary>The pods of the ReplicaSet and of its siblings under the same controller, for colocation ranking.</summary>
    private IEnumerable<Pod> RelatedPods(ReplicaSet rs, List<Pod> own)
    {
        if (rs.Metadata.ControllerReference is not { } owner)
        {
            return own;
        }

        return _replicaSets.Cache.ByIndex(CommonIndexes.ByControllerUid, owner.Uid)
            .SelectMany(sibling => _pods.Cache.ByIndex(CommonIndexes.ByControllerUid, sibling.Metadata.Uid ?? string.Empty));
    }

    private static ReplicaSetStatus CalculateStatus(ReplicaSet rs, List<Pod> pods, Exception? manageError, DateTimeOffset now)
    {
        var templateLabels = rs.Spec.Template.Metadata.Labels;
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var conditions = rs.Status.Conditions;
        if (manageError is not null)
        {
            var reason = (rs.Spec.Replicas ?? 1) > pods.Count ? "FailedCreate" : "FailedDelete";
            conditions = Conditions.Set(conditions, new Condition { Type = "ReplicaFailure", Status = ConditionStatus.True, Reason = reason, Message = manageError.Message, LastTransitionTime = now });
        }
        else if (Conditions.Find(conditions, "ReplicaFailure") is not null)
        {
            conditions = Conditions.Remove(conditions, "ReplicaFailure");
        }

        return rs.Status with
        {
            Replicas = pods.Count,
            FullyLabeledReplicas = pods.Count(p => templateLabels.All(l => p.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value)),
            ReadyReplicas = pods.Count(PodStates.IsReady),
            AvailableReplicas = pods.Count(p => PodStates.IsAvailable(p, minReady, now)),
            ObservedGeneration = rs.Metadata.Generation,
            Conditions = conditions,
        };
    }

    private async Task<ReplicaSet?> UpdateStatusAsync(ReplicaSet rs, ReplicaSetStatus status, CancellationToken cancellationToken)
    {
        if (KubeJson.SemanticEquals(rs.Status, status))
        {
            return rs;
        }

        return await _context.Client.UpdateStatusRetryingAsync(rs, r => r with { Status = status }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private void OnPodUpdated(Pod old, Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // A pod being deleted counts as deleted for expectations: its replacement may start now.
            OnPodDeleted(pod);
            if (old.Metadata.ControllerReference?.Uid != pod.Metadata.ControllerReference?.Uid && OwnerKey(old) is { } oldOwner)
            {
                _context.Queue.Add(oldOwner);
            }

            return;
        }

        if (old.Metadata.ControllerReference?.Uid != pod.Metadata.ControllerReference?.Uid && OwnerKey(old) is { } previous)
        {
            _context.Queue.Add(previous);
        }

        if (OwnerKey(pod) is { } owner)
        {
            _context.Queue.Add(owner);
        }
        else
        {
            EnqueueMatching(pod);
        }
    }

    private void OnPodDeleted(Pod pod)
    {
        if (OwnerKey(pod) is { } owner)
        {
            _expectations.DeletionObserved(owner, pod.Key);
            _context.Queue.Add(owner);
        }
    }

    /// <summary>An orphan may be adopted by any ReplicaSet whose selector matches it.</summary>
    private void EnqueueMatching(Pod pod)
    {
        foreach (var rs in _replicaSets.Cache.List(pod.Namespace))
        {
            if (rs.Spec.Selector is { IsEmpty: false } selector && selector.Matches(pod))
            {
                _context.Queue.Add(rs.Key);
            }
        }
    }

    private static NamespacedName? OwnerKey(Pod pod) =>
        pod.Metadata.ControllerReference is { Kind: ReplicaSet.KindName } owner ? new NamespacedName(pod.Namespace, owner.Name) : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 8401, Level = LogLevel.Debug, Message = "ReplicaSet {Key}: created {Created} of {Wanted} pods")]
        public static partial void Created(ILogger logger, NamespacedName key, int created, int wanted);

        [LoggerMessage(EventId = 8402, Level = LogLevel.Debug, Message = "ReplicaSet {Key}: deleted {Deleted} of {Wanted} pods")]
        public static partial void Deleted(ILogger logger, NamespacedName key, int deleted, int wanted);
    }
}
