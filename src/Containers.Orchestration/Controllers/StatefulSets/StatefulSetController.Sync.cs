using System.Globalization;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Workloads;

namespace Containers.Orchestration.Controllers.StatefulSets;

public sealed partial class StatefulSetController
{
    /// <summary>One pass over one StatefulSet (kube's updateStatefulSet).</summary>
    private sealed class Sync(StatefulSetController controller, StatefulSet set, ControllerRevision current, ControllerRevision update, List<Pod> pods, CancellationToken cancellationToken)
    {
        private readonly IApiClient _client = controller._context.Client;
        private readonly NamespacedName _key = set.Key;
        private readonly bool _monotonic = (set.Spec.PodManagementPolicy ?? OrderedReady) != Parallel;
        private readonly int _minReady = set.Spec.MinReadySeconds ?? 0;
        private readonly DateTimeOffset _now = controller._context.Time.GetUtcNow();
        private StatefulSetStatus _status = new();

        public async Task<StatefulSetStatus> RunAsync()
        {
            var replicaCount = set.Spec.Replicas ?? 1;
            var start = set.Spec.Ordinals?.Start ?? 0;
            _status = CountStatus();
            var replicas = new Replica[replicaCount];
            var condemned = new List<Pod>();
            foreach (var pod in pods)
            {
                var ordinal = Ordinal(set, pod);
                if (ordinal >= start && ordinal < start + replicaCount)
                {
                    replicas[ordinal - start] = new Replica(pod, Created: true);
                }
                else if (ordinal >= 0)
                {
                    condemned.Add(pod);
                }
            }

            for (var i = 0; i < replicaCount; i++)
            {
                replicas[i] ??= new Replica(NewPod(start + i), Created: false);
            }

            condemned = [.. condemned.OrderByDescending(p => Ordinal(set, p))];
            var firstUnhealthy = replicas.Where(r => r.Created).Select(r => r.Pod).Concat(condemned).FirstOrDefault(p => !IsHealthy(p));
            if (set.Metadata.DeletionTimestamp is not null)
            {
                return _status;
            }

            if (await ForAllAsync(replicas.Length, i => ProcessReplicaAsync(replicas, i)).ConfigureAwait(false))
            {
                return _status;
            }

            if (await ForAllAsync(condemned.Count, i => ProcessCondemnedAsync(condemned[i], firstUnhealthy)).ConfigureAwait(false))
            {
                return _status;
            }

            var strategy = set.Spec.UpdateStrategy.Type ?? RollingUpdate;
            if (strategy == OnDelete)
            {
                return _status;
            }

            // Replace the highest-ordinal pod not yet on the update revision, down to the partition,
            // one at a time: each waits for the one above to be healthy again.
            var partition = set.Spec.UpdateStrategy.RollingUpdate?.Partition ?? 0;
            for (var target = replicas.Length - 1; target >= partition; target--)
            {
                var pod = replicas[target].Pod;
                if (Revision(pod) != update.Name && !PodStates.IsTerminating(pod))
                {
                    Log.Deleting(controller._logger, _key, pod.Name, "update to " + update.Name);
                    await DeletePodAsync(pod).ConfigureAwait(false);
                    _status = _status with { CurrentReplicas = (_status.CurrentReplicas ?? 0) - 1 };
                    return _status;
                }

                if (!IsHealthy(pod))
                {
                    Log.Waiting(controller._logger, _key, pod.Name, "not healthy after its update");
                    return _status;
                }
            }

            return _status;
        }

        /// <summary>
        /// Runs <paramref name="process"/> for each index: in order, stopping at the first that asks
        /// to wait, when ordered; all of them, at once, when parallel. True when the pass must end.
        /// </summary>
        private async Task<bool> ForAllAsync(int count, Func<int, Task<bool>> process)
        {
            if (_monotonic)
            {
                for (var i = 0; i < count; i++)
                {
                    if (await process(i).ConfigureAwait(false))
                    {
                        return true;
                    }
                }

                return false;
            }

            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(process)).ConfigureAwait(false);
            return results.Any(r => r);
        }

        private async Task<bool> ProcessReplicaAsync(Replica[] replicas, int i)
        {
            var (pod, created) = replicas[i];
            if (created && pod.Status.Phase is PodPhase.Failed or PodPhase.Succeeded)
            {
                // A finished pod is replaced: deleted now, made again once it is gone.
                if (pod.Metadata.DeletionTimestamp is null)
                {
                    Log.Deleting(controller._logger, _key, pod.Name, "it finished as " + pod.Status.Phase);
                    await DeletePodAsync(pod).ConfigureAwait(false);
                }

                return true;
            }

            if (!created)
            {
                await CreateClaimsAsync(Ordinal(set, pod)).ConfigureAwait(false);
                var revision = Revision(pod);
                Log.Creating(controller._logger, _key, pod.Name, revision);
                try
                {
                    await _client.CreateAsync(pod, cancellationToken).ConfigureAwait(false);
                }
                catch (AlreadyExistsException)
                {
                    // The cache is behind: the pod's own event brings the next pass.
                    return true;
                }

                // The new pod counts in replicas too: left out, a rollout that has just replaced a
                // pod would look finished (all counted pods updated and ready) below its partition.
                _status = _status with
                {
                    Replicas = _status.Replicas + 1,
                    CurrentReplicas = (_status.CurrentReplicas ?? 0) + (Revision(pod) == current.Name ? 1 : 0),
                    UpdatedReplicas = (_status.UpdatedReplicas ?? 0) + (Revision(pod) == update.Name ? 1 : 0),
                };
                return _monotonic;
            }

            if (pod.Status.Phase is null or PodPhase.Pending)
            {
                await CreateClaimsAsync(Ordinal(set, pod)).ConfigureAwait(false);
            }

            if (_monotonic && PodStates.IsTerminating(pod))
            {
                Log.Waiting(controller._logger, _key, pod.Name, "terminating");
                return true;
            }

            if (_monotonic && !(PodStates.IsRunningAndReady(pod) && PodStates.IsAvailable(pod, _minReady, _now)))
            {
                Log.Waiting(controller._logger, _key, pod.Name, "not yet Running and Ready");
                return true;
            }

            if (!IdentityMatches(pod))
            {
                await _client.UpdateRetryingAsync(pod, p => p with { Metadata = p.Metadata with { Labels = IdentityLabels(p.Metadata.Labels, p.Name, Ordinal(set, p)) } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        private async Task<bool> ProcessCondemnedAsync(Pod pod, Pod? firstUnhealthy)
        {
            if (PodStates.IsTerminating(pod))
            {
                return _monotonic;
            }

            if (_monotonic && !IsHealthy(pod) && pod != firstUnhealthy)
            {
                Log.Waiting(controller._logger, _key, pod.Name, "a predecessor is unhealthy");
                return true;
            }

            Log.Deleting(controller._logger, _key, pod.Name, "scale down");
            await DeletePodAsync(pod).ConfigureAwait(false);
            _status = _status with
            {
                CurrentReplicas = (_status.CurrentReplicas ?? 0) - (Revision(pod) == current.Name ? 1 : 0),
                UpdatedReplicas = (_status.UpdatedReplicas ?? 0) - (Revision(pod) == update.Name ? 1 : 0),
            };
            return _monotonic;
        }

        private StatefulSetStatus CountStatus()
        {
            int replicas = 0, ready = 0, available = 0, currentCount = 0, updated = 0;
            foreach (var pod in pods)
            {
                if (Ordinal(set, pod) < 0)
                {
                    continue;
                }

                replicas++;
                if (PodStates.IsRunningAndReady(pod))
                {
                    ready++;
                    available += PodStates.IsAvailable(pod, _minReady, _now) ? 1 : 0;
                }

                if (!PodStates.IsTerminating(pod))
                {
                    currentCount += Revision(pod) == current.Name ? 1 : 0;
                    updated += Revision(pod) == update.Name ? 1 : 0;
                }
            }

            return set.Status with
            {
                ObservedGeneration = set.Metadata.Generation,
                Replicas = replicas,
                ReadyReplicas = ready,
                AvailableReplicas = available,
                CurrentReplicas = currentCount,
                UpdatedReplicas = updated,
                CurrentRevision = current.Name,
                UpdateRevision = update.Name,
            };
        }

        /// <summary>
        /// The pod for <paramref name="ordinal"/>: from the current revision below the partition, from
        /// the update revision at or above it (newVersionedStatefulSetPod).
        /// </summary>
        private Pod NewPod(int ordinal)
        {
            var rolling = (set.Spec.UpdateStrategy.Type ?? RollingUpdate) == RollingUpdate;
            var partition = set.Spec.UpdateStrategy.RollingUpdate?.Partition;
            var start = set.Spec.Ordinals?.Start ?? 0;
            var useCurrent = rolling && (partition is null ? ordinal < start + (set.Status.CurrentReplicas ?? 0) : ordinal < start + partition.Value);
            var revision = useCurrent ? current : update;
            var template = Revisions.Template(revision);
            var name = string.Create(CultureInfo.InvariantCulture, $"{set.Name}-{ordinal}");
            var pod = PodStates.FromTemplate(template, set, name);
            var labels = IdentityLabels(pod.Metadata.Labels, name, ordinal);
            labels[Revisions.HashLabel] = revision.Name;
            var volumes = pod.Spec.Volumes.Where(v => !set.Spec.VolumeClaimTemplates.Any(c => c.Name == v.Name)).ToList();
            foreach (var claim in set.Spec.VolumeClaimTemplates)
            {
                volumes.Add(new Volume { Name = claim.Name, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(set, claim.Name, ordinal) } });
            }

            return pod with
            {
                Metadata = pod.Metadata with { Labels = labels },
                Spec = pod.Spec with { Hostname = name, Subdomain = set.Spec.ServiceName, Volumes = volumes },
            };
        }

        private static Dictionary<string, string> IdentityLabels(IReadOnlyDictionary<string, string> labels, string name, int ordinal) =>
            new(labels, StringComparer.Ordinal)
            {
                [StatefulSetLabels.PodName] = name,
                [StatefulSetLabels.PodIndex] = ordinal.ToString(CultureInfo.InvariantCulture),
            };

        private bool IdentityMatches(Pod pod) =>
            pod.Metadata.Labels.GetValueOrDefault(StatefulSetLabels.PodName) == pod.Name
            && pod.Metadata.Labels.GetValueOrDefault(StatefulSetLabels.PodIndex) == Ordinal(set, pod).ToString(CultureInfo.InvariantCulture);

        /// <summary>Makes the claims of <paramref name="ordinal"/> that do not exist yet; they outlive the pod.</summary>
        private async Task CreateClaimsAsync(int ordinal)
        {
            foreach (var template in set.Spec.VolumeClaimTemplates)
            {
                var name = ClaimName(set, template.Name, ordinal);
                if (controller._claims.Cache.Get(new NamespacedName(set.Namespace, name)) is not null)
                {
                    continue;
                }

                var labels = new Dictionary<string, string>(template.Metadata.Labels, StringComparer.Ordinal);
                foreach (var (k, v) in set.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>())
                {
                    labels[k] = v;
                }

                var claim = new PersistentVolumeClaim
                {
                    Metadata = new ObjectMeta { Name = name, Namespace = set.Namespace, Labels = labels, Annotations = template.Metadata.Annotations },
                    Spec = template.Spec,
                };
                try
                {
                    await _client.CreateAsync(claim, cancellationToken).ConfigureAwait(false);
                }
                catch (AlreadyExistsException)
                {
                }
            }
        }

        private async Task DeletePodAsync(Pod pod)
        {
            try
            {
                await _client.DeleteAsync<Pod>(pod.Key, new DeleteOptions { Preconditions = new Store.Preconditions(pod.Metadata.Uid) }, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }
        }

        private bool IsHealthy(Pod pod) => PodStates.IsRunningAndReady(pod) && !PodStates.IsTerminating(pod) && PodStates.IsAvailable(pod, _minReady, _now);

        private static string Revision(Pod pod) => pod.Metadata.Labels.GetValueOrDefault(Revisions.HashLabel) ?? string.Empty;

        private sealed record Replica(Pod Pod, bool Created);
    }
}
