using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Workloads;
using Containers.Orchestration.Serialization;
using Microsoft.Extensions.Logging;
using static Containers.Orchestration.Controllers.Deployments.DeploymentConditionReasons;
using static Containers.Orchestration.Controllers.Deployments.DeploymentMath;

namespace Containers.Orchestration.Controllers.Deployments;

/// <summary>
/// Rolls Deployments out through ReplicaSets, as Kubernetes' deployment controller does: the
/// ReplicaSet whose template is the Deployment's (without the pod-template-hash label) is the new
/// one, made on demand as <c>{name}-{hash}</c>; the others are old. RollingUpdate scales the new one
/// up within maxSurge and the old ones down within maxUnavailable (unhealthy old pods first);
/// Recreate scales the old ones to zero, waits until their pods are gone, then scales the new one
/// up. A change of replicas in mid-rollout is spread over the active ReplicaSets in proportion.
/// Revisions are annotations on the ReplicaSets; once a rollout completes, old ReplicaSets beyond
/// revisionHistoryLimit are deleted. Progress is reported in the Progressing condition, which turns
/// False (ProgressDeadlineExceeded) when nothing moved for progressDeadlineSeconds.
/// </summary>
public sealed partial class DeploymentController : IReconciler
{
    private readonly ControllerContext _context;
    private readonly Informer<Deployment> _deployments;
    private readonly Informer<ReplicaSet> _replicaSets;
    private readonly Informer<Pod> _pods;
    private readonly ILogger _logger;

    public DeploymentController(ControllerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<DeploymentController>();
        _deployments = context.Informers.For<Deployment>();
        _replicaSets = context.Informers.For<ReplicaSet>();
        _replicaSets.Cache.AddByControllerUid();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddByControllerUid();
        _deployments.AddEventHandler(context.EnqueueSelf<Deployment>());
        _replicaSets.AddEventHandler(new InformerHandler<ReplicaSet>
        {
            OnAdd = OnReplicaSet,
            OnUpdate = (old, rs) =>
            {
                if (old.Metadata.ControllerReference?.Uid != rs.Metadata.ControllerReference?.Uid)
                {
                    OnReplicaSet(old);
                }

                OnReplicaSet(rs);
            },
            OnDelete = OnReplicaSet,
        });

        // Recreate waits for the old pods to be gone.
        _pods.AddEventHandler(new InformerHandler<Pod> { OnDelete = OnPodDeleted });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var d = _deployments.Cache.Get(key);
        if (d is null || d.Spec.Selector is not { IsEmpty: false } selector)
        {
            return ReconcileResult.Done;
        }

        var owned = _replicaSets.Cache.List(d.Namespace).Where(rs => rs.Metadata.ControllerReference is null || rs.Metadata.ControllerReference.Uid == d.Metadata.Uid);
        var sets = await ControllerRefs.ClaimAsync(_context.Client, d, selector, owned, cancellationToken).ConfigureAwait(false);
        var sync = new Sync(this, d, sets, cancellationToken);
        if (d.Metadata.DeletionTimestamp is not null)
        {
            return await sync.StatusOnlyAsync().ConfigureAwait(false);
        }

        await sync.CheckPausedConditionsAsync().ConfigureAwait(false);
        if (d.Spec.Paused == true)
        {
            return await sync.ScaleAsync().ConfigureAwait(false);
        }

        if (sync.IsScalingEvent())
        {
            return await sync.ScaleAsync().ConfigureAwait(false);
        }

        return IsRollingUpdate(d) ? await sync.RollingAsync().ConfigureAwait(false) : await sync.RecreateAsync().ConfigureAwait(false);
    }

    private void OnReplicaSet(ReplicaSet rs)
    {
        if (rs.Metadata.ControllerReference is { } owner)
        {
            if (owner.Kind == Deployment.KindName)
            {
                _context.Queue.Add(new NamespacedName(rs.Namespace, owner.Name));
            }

            return;
        }

        foreach (var d in _deployments.Cache.List(rs.Namespace))
        {
            if (d.Spec.Selector is { IsEmpty: false } selector && selector.Matches(rs))
            {
                _context.Queue.Add(d.Key);
            }
        }
    }

    private void OnPodDeleted(Pod pod)
    {
        if (pod.Metadata.ControllerReference is not { Kind: ReplicaSet.KindName } rsRef
            || _replicaSets.Cache.Get(new NamespacedName(pod.Namespace, rsRef.Name)) is not { } rs
            || rs.Metadata.ControllerReference is not { Kind: Deployment.KindName } dRef
            || _deployments.Cache.Get(new NamespacedName(pod.Namespace, dRef.Name)) is not { } d
            || IsRollingUpdate(d))
        {
            return;
        }

        _context.Queue.Add(d.Key);
    }

    /// <summary>One sync of one Deployment: the objects as read, and as this sync has written them.</summary>
    private sealed class Sync(DeploymentController controller, Deployment d, List<ReplicaSet> sets, CancellationToken cancellationToken)
    {
        private readonly IApiClient _client = controller._context.Client;
        private readonly TimeProvider _time = controller._context.Time;
        private readonly NamespacedName _key = d.Key;
        private Deployment _d = d;

        public async Task<ReconcileResult> StatusOnlyAsync()
        {
            var (newRs, old) = await AllReplicaSetsAsync(create: false).ConfigureAwait(false);
            await SyncStatusAsync(newRs, old).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        public async Task CheckPausedConditionsAsync()
        {
            var progressing = Conditions.Find(_d.Status.Conditions, Progressing);
            var now = _time.GetUtcNow();
            Condition? condition = null;
            if (_d.Spec.Paused == true && progressing?.Reason is not (DeploymentPaused or ProgressDeadlineExceeded))
            {
                condition = NewCondition(Progressing, ConditionStatus.Unknown, DeploymentPaused, "Deployment is paused", now);
            }
            else if (_d.Spec.Paused != true && progressing?.Reason == DeploymentPaused)
            {
                condition = NewCondition(Progressing, ConditionStatus.Unknown, DeploymentResumed, "Deployment is resumed", now);
            }

            if (condition is not null)
            {
                await WriteStatusAsync(_d.Status with { Conditions = SetCondition(_d.Status.Conditions, condition) }).ConfigureAwait(false);
            }
        }

        /// <summary>Some active ReplicaSet was last scaled for another number of replicas (isScalingEvent).</summary>
        public bool IsScalingEvent()
        {
            var newRs = FindNew(_d, sets);
            var all = sets.Where(rs => rs != newRs).Append(newRs);
            return Active(all).Any(rs => IntAnnotation(rs, DeploymentAnnotations.DesiredReplicas) is { } desired && desired != Replicas(_d));
        }

        /// <summary>Scales without rolling (a scaling event, or a paused Deployment), then syncs status.</summary>
        public async Task<ReconcileResult> ScaleAsync()
        {
            var (newRs, old) = await AllReplicaSetsAsync(create: false).ConfigureAwait(false);
            (newRs, old) = await ScaleProportionallyAsync(newRs, old).ConfigureAwait(false);
            if (_d.Spec.Paused == true)
            {
                await CleanupAsync(old).ConfigureAwait(false);
            }

            await SyncStatusAsync(newRs, old).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        public async Task<ReconcileResult> RollingAsync()
        {
            var (newRs, old) = await AllReplicaSetsAsync(create: true).ConfigureAwait(false);
            var all = old.Append(newRs).ToList();
            var (scaledUp, reconciledNew) = await ReconcileNewAsync(all, newRs!).ConfigureAwait(false);
            newRs = reconciledNew;
            if (scaledUp)
            {
                return await SyncRolloutStatusAsync(newRs, old).ConfigureAwait(false);
            }

            var (scaledDown, reconciledOld) = await ReconcileOldAsync(old, newRs).ConfigureAwait(false);
            old = reconciledOld;
            if (scaledDown)
            {
                return await SyncRolloutStatusAsync(newRs, old).ConfigureAwait(false);
            }

            if (IsComplete(_d, _d.Status))
            {
                await CleanupAsync(old).ConfigureAwait(false);
            }

            return await SyncRolloutStatusAsync(newRs, old).ConfigureAwait(false);
        }

        public async Task<ReconcileResult> RecreateAsync()
        {
            var (newRs, old) = await AllReplicaSetsAsync(create: false).ConfigureAwait(false);
            var scaledDown = false;
            for (var i = 0; i < old.Count; i++)
            {
                if (Replicas(old[i]) > 0)
                {
                    old[i] = await ScaleAsync(old[i], 0).ConfigureAwait(false);
                    scaledDown = true;
                }
            }

            if (scaledDown || OldPodsRunning(newRs, old))
            {
                return await SyncRolloutStatusAsync(newRs, old).ConfigureAwait(false);
            }

            if (newRs is null)
            {
                (newRs, old) = await AllReplicaSetsAsync(create: true).ConfigureAwait(false);
            }

            if (Replicas(newRs!) != Replicas(_d))
            {
                newRs = await ScaleAsync(newRs!, Replicas(_d)).ConfigureAwait(false);
            }

            if (IsComplete(_d, _d.Status))
            {
                await CleanupAsync(old).ConfigureAwait(false);
            }

            return await SyncRolloutStatusAsync(newRs, old).ConfigureAwait(false);
        }

        /// <summary>Old ReplicaSets still have pods, or pods of theirs are still running or terminating (oldPodsRunning).</summary>
        private bool OldPodsRunning(ReplicaSet? newRs, List<ReplicaSet> old)
        {
            if (ActualReplicas(old) > 0)
            {
                return true;
            }

            return sets.Where(rs => rs.Metadata.Uid != newRs?.Metadata.Uid)
                .SelectMany(rs => controller._pods.Cache.ByIndex(CommonIndexes.ByControllerUid, rs.Metadata.Uid ?? string.Empty))
                .Any(p => p.Status.Phase is not (PodPhase.Succeeded or PodPhase.Failed));
        }

        /// <summary>
        /// The new ReplicaSet (made when <paramref name="create"/> and missing) and the old ones, with
        /// the revision annotations synced on the new one and on the Deployment.
        /// </summary>
        private async Task<(ReplicaSet? New, List<ReplicaSet> Old)> AllReplicaSetsAsync(bool create)
        {
            var existing = FindNew(_d, sets);
            var old = sets.Where(rs => rs != existing).ToList();
            var newRevision = MaxRevision(old) + 1;
            var now = _time.GetUtcNow();
            if (existing is not null)
            {
                var (annotated, changed) = WithNewReplicaSetAnnotations(_d, existing, newRevision, exists: true);
                var minReadyChanged = (annotated.Spec.MinReadySeconds ?? 0) != (_d.Spec.MinReadySeconds ?? 0);
                if (changed || minReadyChanged)
                {
                    annotated = annotated with { Spec = annotated.Spec with { MinReadySeconds = _d.Spec.MinReadySeconds } };
                    existing = await _client.UpdateAsync(annotated, cancellationToken).ConfigureAwait(false);
                }

                await SetRevisionAsync(existing.Metadata.Annotations.GetValueOrDefault(DeploymentAnnotations.Revision) ?? string.Empty).ConfigureAwait(false);
                if (HasProgressDeadline(_d) && Conditions.Find(_d.Status.Conditions, Progressing) is null)
                {
                    var found = NewCondition(Progressing, ConditionStatus.True, FoundNewReplicaSet, $"Found new replica set \"{existing.Name}\"", now);
                    await WriteStatusAsync(_d.Status with { Conditions = SetCondition(_d.Status.Conditions, found) }).ConfigureAwait(false);
                }

                return (existing, old);
            }

            if (!create)
            {
                return (null, old);
            }

            var hash = TemplateHash.Compute(_d.Spec.Template, _d.Status.CollisionCount);
            var labels = new Dictionary<string, string>(_d.Spec.Template.Metadata.Labels, StringComparer.Ordinal) { [DeploymentAnnotations.PodTemplateHashLabel] = hash };
            var selector = _d.Spec.Selector! with
            {
                MatchLabels = new Dictionary<string, string>(_d.Spec.Selector!.MatchLabels, StringComparer.Ordinal) { [DeploymentAnnotations.PodTemplateHashLabel] = hash },
            };
            var fresh = new ReplicaSet
            {
                Metadata = new ObjectMeta
                {
                    Name = $"{_d.Name}-{hash}",
                    Namespace = _d.Namespace,
                    Labels = labels,
                    OwnerReferences = [OwnerReference.ControllerOf(_d)],
                },
                Spec = new ReplicaSetSpec
                {
                    Replicas = 0,
                    MinReadySeconds = _d.Spec.MinReadySeconds,
                    Selector = selector,
                    Template = _d.Spec.Template with { Metadata = _d.Spec.Template.Metadata with { Labels = labels } },
                },
            };
            fresh = fresh with { Spec = fresh.Spec with { Replicas = NewReplicaSetReplicas(_d, old.Append(fresh), fresh) } };
            fresh = WithNewReplicaSetAnnotations(_d, fresh, newRevision, exists: false).ReplicaSet;
            ReplicaSet created;
            var alreadyExisted = false;
            try
            {
                created = await _client.CreateAsync(fresh, cancellationToken).ConfigureAwait(false);
            }
            catch (AlreadyExistsException)
            {
                var found = await _client.GetAsync<ReplicaSet>(fresh.Key, cancellationToken).ConfigureAwait(false);
                if (found is not null && found.Metadata.ControllerReference?.Uid == _d.Metadata.Uid && EqualIgnoringHash(found.Spec.Template, _d.Spec.Template))
                {
                    created = found;
                    alreadyExisted = true;
                }
                else
                {
                    // A hash collision: count it, so the next hash differs.
                    await WriteStatusAsync(_d.Status with { CollisionCount = (_d.Status.CollisionCount ?? 0) + 1 }).ConfigureAwait(false);
                    throw new ConflictException($"replicaset {fresh.Key} exists with another template (hash collision); trying again with collisionCount {(_d.Status.CollisionCount ?? 0) + 1}");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var failed = NewCondition(Progressing, ConditionStatus.False, FailedReplicaSetCreate, $"Failed to create new replica set \"{fresh.Name}\": {e.Message}", now);
                await WriteStatusAsync(_d.Status with { Conditions = SetCondition(_d.Status.Conditions, failed) }).ConfigureAwait(false);
                throw;
            }

            sets.Add(created);
            var createdReplicas = Replicas(created);
            Log.CreatedReplicaSet(controller._logger, _key, created.Name, createdReplicas);
            await SetRevisionAsync(newRevision.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            if (!alreadyExisted && HasProgressDeadline(_d))
            {
                var made = NewCondition(Progressing, ConditionStatus.True, NewReplicaSetCreated, $"Created new replica set \"{created.Name}\"", now);
                await WriteStatusAsync(_d.Status with { Conditions = SetCondition(_d.Status.Conditions, made) }).ConfigureAwait(false);
            }

            return (created, old);
        }

        private async Task SetRevisionAsync(string revision)
        {
            if (_d.Metadata.Annotations.GetValueOrDefault(DeploymentAnnotations.Revision) == revision)
            {
                return;
            }

            var annotations = new Dictionary<string, string>(_d.Metadata.Annotations, StringComparer.Ordinal) { [DeploymentAnnotations.Revision] = revision };
            _d = await _client.UpdateAsync(_d with { Metadata = _d.Metadata with { Annotations = annotations } }, cancellationToken).ConfigureAwait(false);
        }

        private async Task<(bool ScaledUp, ReplicaSet New)> ReconcileNewAsync(List<ReplicaSet?> all, ReplicaSet newRs)
        {
            if (Replicas(newRs) == Replicas(_d))
            {
                return (false, newRs);
            }

            var target = Replicas(newRs) > Replicas(_d) ? Replicas(_d) : NewReplicaSetReplicas(_d, all, newRs);
            var scaled = await ScaleAsync(newRs, target).ConfigureAwait(false);
            return (Replicas(scaled) != Replicas(newRs), scaled);
        }

        private async Task<(bool ScaledDown, List<ReplicaSet> Old)> ReconcileOldAsync(List<ReplicaSet> old, ReplicaSet newRs)
        {
            var oldPods = SpecReplicas(old);
            if (oldPods == 0)
            {
                return (false, old);
            }

            var allPods = oldPods + Replicas(newRs);
            var minAvailable = Replicas(_d) - MaxUnavailable(_d);
            var newUnavailable = Replicas(newRs) - (newRs.Status.AvailableReplicas ?? 0);
            var maxScaledDown = allPods - minAvailable - newUnavailable;
            if (maxScaledDown <= 0)
            {
                return (false, old);
            }

            // Unhealthy old replicas go first: they cost no availability.
            var byAge = ByCreation(old).ToList();
            var cleaned = 0;
            for (var i = 0; i < byAge.Count && cleaned < maxScaledDown; i++)
            {
                var rs = byAge[i];
                var unhealthy = Replicas(rs) - (rs.Status.AvailableReplicas ?? 0);
                if (Replicas(rs) == 0 || unhealthy <= 0)
                {
                    continue;
                }

                var count = Math.Min(maxScaledDown - cleaned, unhealthy);
                byAge[i] = await ScaleAsync(rs, Replicas(rs) - count).ConfigureAwait(false);
                cleaned += count;
            }

            // Then healthy ones, as far as availability allows.
            var available = DependableAvailableReplicas(byAge.Append(newRs));
            var scaledDown = 0;
            if (available > minAvailable)
            {
                var total = available - minAvailable;
                for (var i = 0; i < byAge.Count && scaledDown < total; i++)
                {
                    var rs = byAge[i];
                    if (Replicas(rs) == 0)
                    {
                        continue;
                    }

                    var count = Math.Min(Replicas(rs), total - scaledDown);
                    byAge[i] = await ScaleAsync(rs, Replicas(rs) - count).ConfigureAwait(false);
                    scaledDown += count;
                }
            }

            return (cleaned + scaledDown > 0, byAge);
        }

        /// <summary>Scaling for a change of replicas (kube's scale): one active ReplicaSet takes it all, else it is shared in proportion.</summary>
        private async Task<(ReplicaSet? New, List<ReplicaSet> Old)> ScaleProportionallyAsync(ReplicaSet? newRs, List<ReplicaSet> old)
        {
            if (ActiveOrLatest(newRs, old) is { } only)
            {
                if (Replicas(only) != Replicas(_d))
                {
                    var scaled = await ScaleAsync(only, Replicas(_d)).ConfigureAwait(false);
                    return Replace(newRs, old, scaled);
                }

                return (newRs, old);
            }

            if (IsSaturated(_d, newRs))
            {
                for (var i = 0; i < old.Count; i++)
                {
                    if (Replicas(old[i]) > 0)
                    {
                        old[i] = await ScaleAsync(old[i], 0).ConfigureAwait(false);
                    }
                }

                return (newRs, old);
            }

            if (!IsRollingUpdate(_d))
            {
                return (newRs, old);
            }

            var active = Active(old.Append(newRs));
            var allowed = Replicas(_d) > 0 ? Replicas(_d) + MaxSurge(_d) : 0;
            var toAdd = allowed - SpecReplicas(active);
            IEnumerable<ReplicaSet> ordered = toAdd switch
            {
                // Larger first; among equals, newer first when adding and older first when removing.
                > 0 => active.OrderByDescending(Replicas).ThenByDescending(rs => rs.Metadata.CreationTimestamp).ThenBy(rs => rs.Name, StringComparer.Ordinal),
                < 0 => active.OrderByDescending(Replicas).ThenBy(rs => rs.Metadata.CreationTimestamp).ThenBy(rs => rs.Name, StringComparer.Ordinal),
                _ => active,
            };
            var list = ordered.ToList();
            var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
            var added = 0;
            foreach (var rs in list)
            {
                var share = toAdd == 0 ? 0 : Proportion(rs, _d, toAdd, added);
                sizes[rs.Name] = Replicas(rs) + share;
                added += share;
            }

            for (var i = 0; i < list.Count; i++)
            {
                var rs = list[i];
                if (i == 0 && toAdd != 0)
                {
                    // Leftovers go to the largest.
                    sizes[rs.Name] = Math.Max(0, sizes[rs.Name] + toAdd - added);
                }

                var scaled = await ScaleAsync(rs, sizes[rs.Name]).ConfigureAwait(false);
                (newRs, old) = Replace(newRs, old, scaled);
            }

            return (newRs, old);
        }

        private static (ReplicaSet? New, List<ReplicaSet> Old) Replace(ReplicaSet? newRs, List<ReplicaSet> old, ReplicaSet scaled)
        {
            if (newRs is not null && newRs.Metadata.Uid == scaled.Metadata.Uid)
            {
                return (scaled, old);
            }

            return (newRs, [.. old.Select(rs => rs.Metadata.Uid == scaled.Metadata.Uid ? scaled : rs)]);
        }

        /// <summary>Sets a ReplicaSet's replicas and its desired/max annotations, when either differs.</summary>
        private async Task<ReplicaSet> ScaleAsync(ReplicaSet rs, int replicas)
        {
            var desired = Replicas(_d);
            var max = desired + MaxSurge(_d);
            if (Replicas(rs) == replicas && !ReplicasAnnotationsNeedUpdate(rs, desired, max))
            {
                return rs;
            }

            var scaled = WithReplicasAnnotations(rs, desired, max) with { Spec = rs.Spec with { Replicas = replicas } };
            var updated = await _client.UpdateAsync(scaled, cancellationToken).ConfigureAwait(false);
            var from = Replicas(rs);
            if (from != replicas)
            {
                Log.Scaled(controller._logger, _key, rs.Name, from, replicas);
            }

            var index = sets.FindIndex(s => s.Metadata.Uid == updated.Metadata.Uid);
            if (index >= 0)
            {
                sets[index] = updated;
            }

            return updated;
        }

        /// <summary>Deletes the oldest empty ReplicaSets beyond revisionHistoryLimit.</summary>
        private async Task CleanupAsync(List<ReplicaSet> old)
        {
            var limit = _d.Spec.RevisionHistoryLimit ?? DefaultRevisionHistoryLimit;
            var alive = old.Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
            var diff = alive.Count - limit;
            if (diff <= 0)
            {
                return;
            }

            var byRevision = alive.OrderBy(Revision).ThenBy(rs => rs.Metadata.CreationTimestamp).ThenBy(rs => rs.Name, StringComparer.Ordinal).ToList();
            for (var i = 0; i < diff; i++)
            {
                var rs = byRevision[i];
                if (rs.Status.Replicas != 0 || Replicas(rs) != 0 || (rs.Metadata.Generation ?? 0) > (rs.Status.ObservedGeneration ?? 0))
                {
                    continue;
                }

                try
                {
                    await _client.DeleteAsync<ReplicaSet>(rs.Key, new DeleteOptions { Preconditions = new Store.Preconditions(rs.Metadata.Uid) }, cancellationToken).ConfigureAwait(false);
                    var revision = Revision(rs);
                    Log.CleanedUp(controller._logger, _key, rs.Name, revision);
                }
                catch (NotFoundException)
                {
                }
            }
        }

        private DeploymentStatus CalculateStatus(ReplicaSet? newRs, List<ReplicaSet> old)
        {
            var all = old.Append(newRs).ToList();
            var available = AvailableReplicas(all);
            var total = SpecReplicas(all);
            var status = _d.Status with
            {
                ObservedGeneration = _d.Metadata.Generation,
                Replicas = ActualReplicas(all),
                UpdatedReplicas = newRs?.Status.Replicas ?? 0,
                ReadyReplicas = ReadyReplicas(all),
                AvailableReplicas = available,
                UnavailableReplicas = Math.Max(0, total - available),
            };
            var now = _time.GetUtcNow();
            var availability = available >= Replicas(_d) - MaxUnavailable(_d)
                ? NewCondition(Available, ConditionStatus.True, MinimumReplicasAvailable, "Deployment has minimum availability.", now)
                : NewCondition(Available, ConditionStatus.False, MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now);
            return status with { Conditions = SetCondition(status.Conditions, availability) };
        }

        private async Task SyncStatusAsync(ReplicaSet? newRs, List<ReplicaSet> old) =>
            await WriteStatusAsync(CalculateStatus(newRs, old)).ConfigureAwait(false);

        /// <summary>Status with the Progressing condition and replica failures (syncRolloutStatus); says when to check the deadline.</summary>
        private async Task<ReconcileResult> SyncRolloutStatusAsync(ReplicaSet? newRs, List<ReplicaSet> old)
        {
            var status = CalculateStatus(newRs, old);
            var now = _time.GetUtcNow();
            if (!HasProgressDeadline(_d))
            {
                status = status with { Conditions = Conditions.Remove(status.Conditions, Progressing) };
            }

            var current = Conditions.Find(_d.Status.Conditions, Progressing);
            var complete = status.Replicas == status.UpdatedReplicas && current?.Reason == NewReplicaSetAvailable;
            if (HasProgressDeadline(_d) && !complete)
            {
                var what = newRs is null ? $"Deployment \"{_d.Name}\"" : $"ReplicaSet \"{newRs.Name}\"";
                if (IsComplete(_d, status))
                {
                    status = status with { Conditions = SetCondition(status.Conditions, NewCondition(Progressing, ConditionStatus.True, NewReplicaSetAvailable, $"{what} has successfully progressed.", now)) };
                }
                else if (IsProgressing(_d, status))
                {
                    var condition = NewCondition(Progressing, ConditionStatus.True, ReplicaSetUpdated, $"{what} is progressing.", now);
                    if (current is { Status: ConditionStatus.True })
                    {
                        condition = condition with { LastTransitionTime = current.LastTransitionTime };
                    }

                    status = status with { Conditions = [.. Conditions.Remove(status.Conditions, Progressing), condition] };
                }
                else if (TimedOut(current, now))
                {
                    status = status with { Conditions = SetCondition(status.Conditions, NewCondition(Progressing, ConditionStatus.False, ProgressDeadlineExceeded, $"{what} has timed out progressing.", now)) };
                }
            }

            var failure = old.Append(newRs).OfType<ReplicaSet>().Select(rs => Conditions.Find(rs.Status.Conditions, ReplicaFailure)).FirstOrDefault(c => c is { IsTrue: true });
            status = status with
            {
                Conditions = failure is not null
                    ? SetCondition(status.Conditions, NewCondition(ReplicaFailure, failure.Status, failure.Reason ?? string.Empty, failure.Message ?? string.Empty, now))
                    : Conditions.Remove(status.Conditions, ReplicaFailure),
            };
            await WriteStatusAsync(status).ConfigureAwait(false);
            return RequeueForDeadline(now);
        }

        private bool TimedOut(Condition? progressing, DateTimeOffset now)
        {
            if (progressing is null || progressing.Reason == NewReplicaSetAvailable)
            {
                return false;
            }

            if (progressing.Reason == ProgressDeadlineExceeded)
            {
                return true;
            }

            return progressing.LastUpdateTime is { } from && from + ProgressDeadline(_d) < now;
        }

        /// <summary>A rollout in progress is checked again when its deadline would pass (requeueStuckDeployment).</summary>
        private ReconcileResult RequeueForDeadline(DateTimeOffset now)
        {
            var progressing = Conditions.Find(_d.Status.Conditions, Progressing);
            if (!HasProgressDeadline(_d) || progressing is null || progressing.Reason is NewReplicaSetAvailable or ProgressDeadlineExceeded || progressing.Status != ConditionStatus.True || progressing.LastUpdateTime is not { } from)
            {
                return ReconcileResult.Done;
            }

            var after = from + ProgressDeadline(_d) - now;
            return ReconcileResult.After(after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1));
        }

        private async Task WriteStatusAsync(DeploymentStatus status)
        {
            if (KubeJson.SemanticEquals(_d.Status, status))
            {
                return;
            }

            _d = await _client.UpdateStatusAsync(_d with { Status = status }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8501, Level = LogLevel.Information, Message = "Deployment {Key}: created replica set {ReplicaSet} with {Replicas} replicas")]
        public static partial void CreatedReplicaSet(ILogger logger, NamespacedName key, string replicaSet, int replicas);

        [LoggerMessage(EventId = 8502, Level = LogLevel.Information, Message = "Deployment {Key}: scaled replica set {ReplicaSet} from {From} to {To}")]
        public static partial void Scaled(ILogger logger, NamespacedName key, string replicaSet, int from, int to);

        [LoggerMessage(EventId = 8503, Level = LogLevel.Information, Message = "Deployment {Key}: deleted old replica set {ReplicaSet} (revision {Revision}) beyond the history limit")]
        public static partial void CleanedUp(ILogger logger, NamespacedName key, string replicaSet, long revision);
    }
}
