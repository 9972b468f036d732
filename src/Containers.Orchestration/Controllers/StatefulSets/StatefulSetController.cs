using System.Globalization;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Serialization;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.StatefulSets;

/// <summary>
/// Runs StatefulSets as Kubernetes does: pods named <c>{set}-{ordinal}</c> with a stable hostname
/// and a PersistentVolumeClaim per volumeClaimTemplate and ordinal (<c>{claim}-{set}-{ordinal}</c>,
/// kept when the set scales down). OrderedReady creates pods one at a time in ordinal order, each
/// only once its predecessors are Running and Ready, and removes them from the highest ordinal down;
/// Parallel creates and removes them all at once. Template revisions are ControllerRevisions;
/// RollingUpdate replaces pods from the highest ordinal down to the partition, one at a time, each
/// after the one before is healthy again; OnDelete waits for pods to be deleted by hand.
/// </summary>
public sealed partial class StatefulSetController : IReconciler
{
    public const string OrderedReady = "OrderedReady";
    public const string Parallel = "Parallel";
    public const string RollingUpdate = "RollingUpdate";
    public const string OnDelete = "OnDelete";
    private const int DefaultRevisionHistoryLimit = 10;

    private readonly ControllerContext _context;
    private readonly Informer<StatefulSet> _sets;
    private readonly Informer<Pod> _pods;
    private readonly Informer<ControllerRevision> _revisions;
    private readonly Informer<PersistentVolumeClaim> _claims;
    private readonly ILogger _logger;

    public StatefulSetController(ControllerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<StatefulSetController>();
        _sets = context.Informers.For<StatefulSet>();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddByControllerUid();
        _revisions = context.Informers.For<ControllerRevision>();
        _revisions.Cache.AddByControllerUid();
        _claims = context.Informers.For<PersistentVolumeClaim>();
        _sets.AddEventHandler(context.EnqueueSelf<StatefulSet>());
        _pods.AddEventHandler(new InformerHandler<Pod>
        {
            OnAdd = OnPod,
            OnUpdate = (old, pod) =>
            {
                if (old.Metadata.ControllerReference?.Uid != pod.Metadata.ControllerReference?.Uid)
                {
                    OnPod(old);
                }

                OnPod(pod);
            },
            OnDelete = OnPod,
        });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var set = _sets.Cache.Get(key);
        if (set is null || set.Spec.Selector is not { IsEmpty: false } selector)
        {
            return ReconcileResult.Done;
        }

        var pods = await ControllerRefs.ClaimAsync(_context.Client, set, selector, _pods.Cache.List(set.Namespace), cancellationToken).ConfigureAwait(false);
        var revisions = _revisions.Cache.ByIndex(CommonIndexes.ByControllerUid, set.Metadata.Uid ?? string.Empty).OrderBy(r => r.Revision).ToList();
        var (current, update, collisionCount) = await RevisionsAsync(set, revisions, cancellationToken).ConfigureAwait(false);
        var sync = new Sync(this, set, current, update, pods, cancellationToken);
        var status = await sync.RunAsync().ConfigureAwait(false) with { CollisionCount = collisionCount };
        await WriteStatusAsync(set, status, cancellationToken).ConfigureAwait(false);
        await TruncateHistoryAsync(set, pods, revisions, current, update, cancellationToken).ConfigureAwait(false);

        var now = _context.Time.GetUtcNow();
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var soonest = pods.Select(p => PodStates.UntilAvailable(p, minReady, now)).Where(t => t is not null).Min();
        return soonest is { } wait ? ReconcileResult.After(wait) : ReconcileResult.Done;
    }

    /// <summary>The ordinal of a pod named <c>{set}-{ordinal}</c>, or -1 when the name is not of the set.</summary>
    public static int Ordinal(StatefulSet set, Pod pod)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(pod);
        var prefix = set.Name + "-";
        return pod.Name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(pod.Name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            && ordinal.ToString(CultureInfo.InvariantCulture) == pod.Name[prefix.Length..]
                ? ordinal
                : -1;
    }

    /// <summary>The claim name of <paramref name="claimTemplate"/> for <paramref name="ordinal"/>: <c>{claim}-{set}-{ordinal}</c>.</summary>
    public static string ClaimName(StatefulSet set, string claimTemplate, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(set);
        return string.Create(CultureInfo.InvariantCulture, $"{claimTemplate}-{set.Name}-{ordinal}");
    }

    /// <summary>
    /// The current revision (what status says pods run), the update revision (the template now; made,
    /// or an equal older one brought forward), and the collision count (getStatefulSetRevisions).
    /// </summary>
    private async Task<(ControllerRevision Current, ControllerRevision Update, int? CollisionCount)> RevisionsAsync(StatefulSet set, List<ControllerRevision> revisions, CancellationToken cancellationToken)
    {
        var collisionCount = set.Status.CollisionCount;
        var next = revisions.Count == 0 ? 1 : revisions[^1].Revision + 1;
        var equal = revisions.Where(r => Revisions.Holds(r, set.Spec.Template)).ToList();
        ControllerRevision update;
        if (equal.Count > 0 && revisions[^1].Metadata.Uid == equal[^1].Metadata.Uid)
        {
            update = revisions[^1];
        }
        else if (equal.Count > 0)
        {
            // A rollback to an earlier template: that revision comes forward with the next number.
            update = await _context.Client.UpdateAsync(equal[^1] with { Revision = next }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            (update, collisionCount) = await CreateRevisionAsync(set, next, collisionCount, cancellationToken).ConfigureAwait(false);
        }

        var current = revisions.FirstOrDefault(r => r.Name == set.Status.CurrentRevision) ?? update;
        return (current, update, collisionCount);
    }

    private async Task<(ControllerRevision Revision, int? CollisionCount)> CreateRevisionAsync(StatefulSet set, long revision, int? collisionCount, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var fresh = Revisions.New(set, set.Spec.Template, revision, collisionCount);
            try
            {
                return (await _context.Client.CreateAsync(fresh, cancellationToken).ConfigureAwait(false), collisionCount);
            }
            catch (AlreadyExistsException) when (attempt < 5)
            {
                var existing = await _context.Client.GetAsync<ControllerRevision>(fresh.Key, cancellationToken).ConfigureAwait(false);
                if (existing is not null && existing.Metadata.ControllerReference?.Uid == set.Metadata.Uid && Revisions.Holds(existing, set.Spec.Template))
                {
                    return (existing, collisionCount);
                }

                // A hash collision with another template: hash again with the next count.
                collisionCount = (collisionCount ?? 0) + 1;
                await _context.Client.UpdateStatusRetryingAsync(set, s => s with { Status = s.Status with { CollisionCount = collisionCount } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteStatusAsync(StatefulSet set, StatefulSetStatus status, CancellationToken cancellationToken)
    {
        // A finished rolling update makes the update revision current (completeRollingUpdate).
        if ((set.Spec.UpdateStrategy.Type ?? RollingUpdate) == RollingUpdate && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas)
        {
            status = status with { CurrentReplicas = status.UpdatedReplicas, CurrentRevision = status.UpdateRevision };
        }

        if (KubeJson.SemanticEquals(set.Status, status))
        {
            return;
        }

        await _context.Client.UpdateStatusRetryingAsync(set, s => s with { Status = status }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the oldest revisions no pod runs and neither status names, beyond revisionHistoryLimit.</summary>
    private async Task TruncateHistoryAsync(StatefulSet set, List<Pod> pods, List<ControllerRevision> revisions, ControllerRevision current, ControllerRevision update, CancellationToken cancellationToken)
    {
        var live = new HashSet<string>(pods.Select(p => p.Metadata.Labels.GetValueOrDefault(Revisions.HashLabel) ?? string.Empty), StringComparer.Ordinal) { current.Name, update.Name };
        var history = revisions.Where(r => !live.Contains(r.Name)).ToList();
        var surplus = history.Count - (set.Spec.RevisionHistoryLimit ?? DefaultRevisionHistoryLimit);
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

    private void OnPod(Pod pod)
    {
        if (pod.Metadata.ControllerReference is { } owner)
        {
            if (owner.Kind == StatefulSet.KindName)
            {
                _context.Queue.Add(new NamespacedName(pod.Namespace, owner.Name));
            }

            return;
        }

        foreach (var set in _sets.Cache.List(pod.Namespace))
        {
            if (set.Spec.Selector is { IsEmpty: false } selector && selector.Matches(pod))
            {
                _context.Queue.Add(set.Key);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8601, Level = LogLevel.Information, Message = "StatefulSet {Key}: creating pod {Pod} (revision {Revision})")]
        public static partial void Creating(ILogger logger, NamespacedName key, string pod, string revision);

        [LoggerMessage(EventId = 8602, Level = LogLevel.Information, Message = "StatefulSet {Key}: deleting pod {Pod} ({Why})")]
        public static partial void Deleting(ILogger logger, NamespacedName key, string pod, string why);

        [LoggerMessage(EventId = 8603, Level = LogLevel.Debug, Message = "StatefulSet {Key}: waiting for pod {Pod} ({Why})")]
        public static partial void Waiting(ILogger logger, NamespacedName key, string pod, string why);
    }
}
