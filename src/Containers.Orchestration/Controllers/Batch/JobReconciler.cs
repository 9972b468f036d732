using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Queue;
using Containers.Orchestration.Controllers.Workloads;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// Kubernetes' Job controller: runs a Job's pods until enough succeed, replacing failed ones after an
/// exponential backoff, and ends the Job as Complete, or as Failed when more pods failed than
/// backoffLimit allows or it ran past activeDeadlineSeconds.
/// </summary>
/// <remarks>
/// <para>
/// Counts come from the Job's pods (finished pods are kept until the Job goes), and never go down:
/// the status keeps the highest count seen, and an Indexed Job's completed indexes only grow. A Job
/// that is done first gets a FailureTarget or SuccessCriteriaMet condition, its remaining pods are
/// deleted, and it gets its terminal Failed or Complete condition once none is left.
/// </para>
/// <para>
/// The Job itself is read from the API, not the cache, so its status is never older than this
/// controller's last write; its pods come from the shared pod informer, guarded by expectations.
/// </para>
/// </remarks>
internal sealed partial class JobReconciler : IReconciler
{
    private readonly IApiClient _client;
    private readonly TimeProvider _time;
    private readonly Informer<Pod> _pods;
    private readonly WorkQueue<NamespacedName> _queue;
    private readonly ControllerExpectations _expectations;
    private readonly BatchControllerOptions _options;
    private readonly ILogger _logger;

    public JobReconciler(ControllerContext context, BatchControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _client = context.Client;
        _time = context.Time;
        _queue = context.Queue;
        _options = options ?? new();
        _expectations = new ControllerExpectations(context.Time);
        _logger = context.LoggerFactory.CreateLogger<JobReconciler>();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddByControllerUid();
        _pods.AddEventHandler(new InformerHandler<Pod> { OnAdd = PodAdded, OnUpdate = PodUpdated, OnDelete = PodDeleted });
        context.Informers.For<Job>().AddEventHandler(context.EnqueueSelf<Job>());
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var job = await _client.GetAsync<Job>(key, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            _expectations.Forget(key);
            return ReconcileResult.Done;
        }

        if (job.Metadata.DeletionTimestamp is not null || JobState.IsFinished(job))
        {
            return ReconcileResult.Done;
        }

        var now = _time.GetUtcNow();
        var spec = job.Spec;
        var pods = PodsOf(job);
        var state = Count(job, pods);
        var conditions = job.Status.Conditions;
        var startTime = job.Status.StartTime;
        var suspended = JobState.IsSuspended(spec);
        var result = ReconcileResult.Done;

        var target = Conditions.Find(conditions, JobConditionType.FailureTarget) is { IsTrue: true } failing ? failing
            : Conditions.Find(conditions, JobConditionType.SuccessCriteriaMet) is { IsTrue: true } succeeding ? succeeding
            : null;
        if (target is null)
        {
            if (suspended)
            {
                conditions = Conditions.Set(conditions, NewCondition(JobConditionType.Suspended, JobConditionReason.JobSuspended, "Job suspended", now));
            }
            else
            {
                if (Conditions.IsTrue(conditions, JobConditionType.Suspended))
                {
                    // Resumed: the deadline counts from now.
                    conditions = Conditions.Set(conditions, NewCondition(JobConditionType.Suspended, JobConditionReason.JobResumed, "Job resumed", now, ConditionStatus.False));
                    startTime = now;
                }

                startTime ??= now;
            }

            target = Decide(job, state, startTime, now, ref result);
            if (target is not null)
            {
                conditions = Conditions.Set(conditions, target);
                Log.Finishing(_logger, key, target.Type, target.Reason ?? string.Empty);
            }
        }

        var satisfied = _expectations.Satisfied(key);
        var active = state.Active.Count;
        if (target is not null || suspended)
        {
            // Done, or suspended: no pod of this Job may run.
            if (satisfied && state.Active.Count > 0)
            {
                await DeletePodsAsync(key, state.Active, cancellationToken).ConfigureAwait(false);
            }

            active = 0;
            if (target is not null && state.Active.Count == 0 && state.Terminating == 0)
            {
                var final = target.Type == JobConditionType.FailureTarget
                    ? NewCondition(JobConditionType.Failed, target.Reason, target.Message, now)
                    : NewCondition(JobConditionType.Complete, target.Reason, target.Message, now);
                conditions = Conditions.Set(conditions, final);
                Log.Finished(_logger, key, final.Type, state.Succeeded, state.Failed);
            }
        }
        else if (satisfied)
        {
            (active, var requeue) = await ManagePodsAsync(job, state, now, cancellationToken).ConfigureAwait(false);
            result = result.Min(requeue);
        }

        var complete = Conditions.IsTrue(conditions, JobConditionType.Complete);
        var status = job.Status with
        {
            Conditions = conditions,
            StartTime = startTime,
            CompletionTime = complete ? job.Status.CompletionTime ?? now : job.Status.CompletionTime,
            Active = active == 0 ? null : active,
            Ready = state.Active.Count(PodStates.IsReady),
            Succeeded = state.Succeeded == 0 ? null : state.Succeeded,
            Failed = state.Failed == 0 ? null : state.Failed,
            CompletedIndexes = state.CompletedIndexes is { } indexes ? IndexSet.Format(indexes) : job.Status.CompletedIndexes,
        };
        if (!Serialization.KubeJson.SemanticEquals(job with { Status = status }, job))
        {
            await _client.UpdateStatusRetryingAsync(job, j => j with { Status = status }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Whether the Job is done now, as a FailureTarget or SuccessCriteriaMet condition; else null, with a requeue for its deadline.</summary>
    private static Condition? Decide(Job job, PodCounts state, DateTimeOffset? startTime, DateTimeOffset now, ref ReconcileResult result)
    {
        var spec = job.Spec;
        if (JobState.IsSuspended(spec))
        {
            return null;
        }

        if (state.Failed > JobState.BackoffLimit(spec) || PastBackoffLimitOnFailure(spec, state.Active))
        {
            return NewCondition(JobConditionType.FailureTarget, JobConditionReason.BackoffLimitExceeded, "Job has reached the specified backoff limit", now);
        }

        if (spec.ActiveDeadlineSeconds is { } deadline && startTime is { } start)
        {
            var left = TimeSpan.FromSeconds(deadline) - (now - start);
            if (left <= TimeSpan.Zero)
            {
                return NewCondition(JobConditionType.FailureTarget, JobConditionReason.DeadlineExceeded, "Job was active longer than specified deadline", now);
            }

            result = result.Min(ReconcileResult.After(left));
        }

        var completions = JobState.Completions(spec);
        var complete = completions switch
        {
            null => state.Succeeded > 0 && state.Active.Count == 0,
            { } n => state.Succeeded >= n,
        };
        return complete
            ? NewCondition(JobConditionType.SuccessCriteriaMet, JobConditionReason.CompletionsReached, "Reached expected number of succeeded pods", now)
            : null;
    }

    /// <summary>
    /// With restartPolicy OnFailure the kubelet restarts failed containers in place, so their
    /// restarts count against backoffLimit instead (any restart when the limit is 0).
    /// </summary>
    private static bool PastBackoffLimitOnFailure(JobSpec spec, IReadOnlyList<Pod> active)
    {
        if (spec.Template.Spec.RestartPolicy != RestartPolicy.OnFailure)
        {
            return false;
        }

        var restarts = active
            .Where(p => p.Status.Phase is PodPhase.Running or PodPhase.Pending)
            .Sum(p => p.Status.InitContainerStatuses.Sum(c => c.RestartCount) + p.Status.ContainerStatuses.Sum(c => c.RestartCount));
        var limit = JobState.BackoffLimit(spec);
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    /// <summary>Makes or removes pods so that as many run as the Job wants; returns how many are active after, and when to come back.</summary>
    private async Task<(int Active, ReconcileResult Requeue)> ManagePodsAsync(Job job, PodCounts state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var spec = job.Spec;
        var parallelism = JobState.Parallelism(spec);
        var completions = JobState.Completions(spec);
        var active = state.Active;
        List<Pod> excess;
        List<int?> wanted;
        if (state.CompletedIndexes is { } completed)
        {
            (excess, wanted) = PlanIndexed(active, completed, parallelism, completions ?? 0);
        }
        else
        {
            var want = completions is { } n
                ? Math.Clamp(n - state.Succeeded, 0, parallelism)
                : state.Succeeded > 0 ? active.Count : parallelism;
            excess = active.Count > want ? [.. DeletionOrder(active).Take(active.Count - want)] : [];
            wanted = [.. Enumerable.Repeat<int?>(null, Math.Max(0, want - active.Count))];
        }

        var key = job.Key;
        if (excess.Count > 0)
        {
            await DeletePodsAsync(key, excess, cancellationToken).ConfigureAwait(false);
            return (active.Count - excess.Count, ReconcileResult.Done);
        }

        if (wanted.Count == 0)
        {
            return (active.Count, ReconcileResult.Done);
        }

        var wait = JobBackoff.Remaining(state.All, now, _options.PodFailureBackoff, _options.MaxPodFailureBackoff);
        if (wait > TimeSpan.Zero)
        {
            Log.BackingOff(_logger, key, wait);
            return (active.Count, ReconcileResult.After(wait));
        }

        _expectations.ExpectCreations(key, wanted.Count);
        var created = 0;
        foreach (var index in wanted)
        {
            try
            {
                var pod = await _client.CreateAsync(JobPods.Create(job, index), cancellationToken).ConfigureAwait(false);
                created++;
                Log.CreatedPod(_logger, key, pod.Name);
            }
            catch
            {
                // The pods not made will never be observed.
                for (var i = created; i < wanted.Count; i++)
                {
                    _expectations.CreationObserved(key);
                }

                throw;
            }
        }

        return (active.Count + created, ReconcileResult.Done);
    }

    /// <summary>
    /// For an Indexed Job: the active pods to remove (a second pod for an index, one for an index
    /// already completed or out of range, or more than parallelism), and the lowest indexes that
    /// need a pod.
    /// </summary>
    private static (List<Pod> Excess, List<int?> Wanted) PlanIndexed(IReadOnlyList<Pod> active, SortedSet<int> completed, int parallelism, int completions)
    {
        var excess = new List<Pod>();
        var running = new SortedDictionary<int, Pod>();
        foreach (var pod in active.OrderBy(p => PodStates.IsReady(p) ? 0 : 1).ThenBy(p => p.Metadata.CreationTimestamp))
        {
            if (JobState.CompletionIndex(pod) is not { } index || index >= completions || completed.Contains(index) || !running.TryAdd(index, pod))
            {
                excess.Add(pod);
            }
        }

        var want = Math.Clamp(completions - completed.Count, 0, parallelism);
        if (running.Count > want)
        {
            excess.AddRange(running.Reverse().Take(running.Count - want).Select(e => e.Value));
        }

        var wanted = new List<int?>();
        for (var i = 0; i < completions && running.Count + wanted.Count < want; i++)
        {
            if (!completed.Contains(i) && !running.ContainsKey(i))
            {
                wanted.Add(i);
            }
        }

        return (excess, wanted);
    }

    /// <summary>Which active pods go first when there are too many: those not ready, then the newest.</summary>
    private static IEnumerable<Pod> DeletionOrder(IEnumerable<Pod> pods) =>
        pods.OrderBy(p => PodStates.IsReady(p) ? 1 : 0).ThenByDescending(p => p.Metadata.CreationTimestamp);

    private async Task DeletePodsAsync(NamespacedName job, IReadOnlyList<Pod> pods, CancellationToken cancellationToken)
    {
        _expectations.ExpectDeletions(job, pods.Select(p => p.Key));
        foreach (var pod in pods)
        {
            try
            {
                await _client.DeleteAsync<Pod>(pod.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
                Log.DeletedPod(_logger, job, pod.Name);
            }
            catch (NotFoundException)
            {
                _expectations.DeletionObserved(job, pod.Key);
            }
            catch
            {
                _expectations.DeletionObserved(job, pod.Key);
                throw;
            }
        }
    }

    private IReadOnlyList<Pod> PodsOf(Job job)
    {
        var uid = job.Metadata.Uid;
        return string.IsNullOrEmpty(uid) ? [] : [.. _pods.Cache.ByIndex(CommonIndexes.ByControllerUid, uid).Where(p => p.Namespace == job.Namespace)];
    }

    private static PodCounts Count(Job job, IReadOnlyList<Pod> pods)
    {
        var status = job.Status;
        var active = pods.Where(PodStates.IsActive).ToList();
        var terminating = pods.Count(p => !JobState.IsFinished(p) && p.Metadata.DeletionTimestamp is not null);
        var failed = Math.Max(status.Failed ?? 0, pods.Count(p => p.Status.Phase == PodPhase.Failed));
        if (!JobState.IsIndexed(job.Spec))
        {
            var succeeded = Math.Max(status.Succeeded ?? 0, pods.Count(p => p.Status.Phase == PodPhase.Succeeded));
            return new PodCounts(pods, active, terminating, succeeded, failed, null);
        }

        var completions = JobState.Completions(job.Spec) ?? 0;
        var completed = IndexSet.Parse(status.CompletedIndexes, completions);
        foreach (var pod in pods.Where(p => p.Status.Phase == PodPhase.Succeeded))
        {
            if (JobState.CompletionIndex(pod) is { } index && index < completions)
            {
                completed.Add(index);
            }
        }

        return new PodCounts(pods, active, terminating, completed.Count, failed, completed);
    }

    private static Condition NewCondition(string type, string? reason, string? message, DateTimeOffset now, string status = ConditionStatus.True) =>
        new() { Type = type, Status = status, Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now };

    private static NamespacedName? JobOf(Pod pod) =>
        pod.Metadata.ControllerReference is { Kind: Job.KindName } owner ? new NamespacedName(pod.Namespace, owner.Name) : null;

    private void PodAdded(Pod pod)
    {
        if (JobOf(pod) is not { } job)
        {
            return;
        }

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            _expectations.DeletionObserved(job, pod.Key);
        }
        else
        {
            _expectations.CreationObserved(job);
        }

        _queue.Add(job);
    }

    private void PodUpdated(Pod old, Pod now)
    {
        if (JobOf(old) is { } oldJob && old.Metadata.ControllerReference?.Uid != now.Metadata.ControllerReference?.Uid)
        {
            _queue.Add(oldJob);
        }

        if (JobOf(now) is not { } job)
        {
            return;
        }

        if (now.Metadata.DeletionTimestamp is not null && old.Metadata.DeletionTimestamp is null)
        {
            _expectations.DeletionObserved(job, now.Key);
        }

        _queue.Add(job);
    }

    private void PodDeleted(Pod pod)
    {
        if (JobOf(pod) is { } job)
        {
            _expectations.DeletionObserved(job, pod.Key);
            _queue.Add(job);
        }
    }

    /// <summary>A Job's pods sorted by state.</summary>
    /// <param name="All">Every pod the Job owns.</param>
    /// <param name="Active">Pods neither finished nor being deleted.</param>
    /// <param name="Terminating">Pods being deleted that have not finished.</param>
    /// <param name="Succeeded">Successes so far (completed indexes, for an Indexed Job).</param>
    /// <param name="Failed">Failures so far.</param>
    /// <param name="CompletedIndexes">For an Indexed Job, the indexes done; null otherwise.</param>
    private sealed record PodCounts(IReadOnlyList<Pod> All, IReadOnlyList<Pod> Active, int Terminating, int Succeeded, int Failed, SortedSet<int>? CompletedIndexes);
}
