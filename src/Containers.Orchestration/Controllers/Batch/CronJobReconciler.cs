using System.Globalization;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Queue;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// Kubernetes' CronJob controller: at each scheduled time it makes a Job named
/// <c>&lt;cronjob&gt;-&lt;minutes since the epoch&gt;</c> from the template, as the concurrency
/// policy allows (Allow, Forbid or Replace); it skips a run more than startingDeadlineSeconds late,
/// tracks the active Jobs and the last schedule and success times, removes finished Jobs beyond the
/// history limits, and comes back at the next scheduled time.
/// </summary>
/// <remarks>
/// A run missed while the controller was away (or skipped under Forbid) still starts late, as long
/// as it is within startingDeadlineSeconds; only the most recent missed run starts. More than 100
/// missed runs give the TooManyMissedTimes warning and the most recent still starts. The CronJob
/// itself is read from the API, so its active list is never older than this controller's last write.
/// </remarks>
internal sealed partial class CronJobReconciler : IReconciler
{
    /// <summary>How late after a scheduled time the controller comes back, so that the time has surely passed.</summary>
    internal static readonly TimeSpan NextScheduleDelta = TimeSpan.FromMilliseconds(100);

    private const int TooManyMissed = 100;
    private const int DefaultSuccessfulJobsHistoryLimit = 3;
    private const int DefaultFailedJobsHistoryLimit = 1;

    private readonly IApiClient _client;
    private readonly TimeProvider _time;
    private readonly Informer<Job> _jobs;
    private readonly WorkQueue<NamespacedName> _queue;
    private readonly ILogger _logger;

    public CronJobReconciler(ControllerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _client = context.Client;
        _time = context.Time;
        _queue = context.Queue;
        _logger = context.LoggerFactory.CreateLogger<CronJobReconciler>();
        _jobs = context.Informers.For<Job>();
        _jobs.Cache.AddByControllerUid();
        _jobs.AddEventHandler(context.EnqueueControllerOwner<Job>(CronJob.KindName));
        context.Informers.For<CronJob>().AddEventHandler(new InformerHandler<CronJob>
        {
            OnAdd = cj => _queue.Add(cj.Key),
            OnUpdate = CronJobUpdated,
            OnDelete = cj => _queue.Add(cj.Key),
        });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var cronJob = await _client.GetAsync<CronJob>(key, cancellationToken).ConfigureAwait(false);
        if (cronJob is null)
        {
            return ReconcileResult.Done;
        }

        var jobs = OwnedJobs(cronJob);
        var status = new StatusBuilder(cronJob.Status);
        var requeue = await SyncAsync(cronJob, jobs, status, cancellationToken).ConfigureAwait(false);
        if (cronJob.Metadata.DeletionTimestamp is null)
        {
            await RemoveOldJobsAsync(cronJob, jobs, status, cancellationToken).ConfigureAwait(false);
        }

        if (status.Changed)
        {
            var next = status.Build();
            await _client.UpdateStatusRetryingAsync(cronJob, cj => cj with { Status = next }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return requeue is { } after ? ReconcileResult.After(after) : ReconcileResult.Done;
    }

    /// <summary>Brings the active list up to date and starts the run that is due, if any; returns when to come back.</summary>
    private async Task<TimeSpan?> SyncAsync(CronJob cronJob, IReadOnlyList<Job> jobs, StatusBuilder status, CancellationToken cancellationToken)
    {
        var key = cronJob.Key;
        var now = _time.GetUtcNow();
        foreach (var job in jobs)
        {
            var listed = status.IsActive(job.Metadata.Uid);
            var finished = JobState.IsFinished(job);
            if (!listed && !finished)
            {
                Log.UnexpectedJob(_logger, key, job.Name);
            }
            else if (listed && finished)
            {
                status.RemoveActive(job.Metadata.Uid);
                Log.SawCompletedJob(_logger, key, job.Name, JobState.IsComplete(job) ? JobConditionType.Complete : JobConditionType.Failed);
            }

            if (JobState.IsComplete(job) && job.Status.CompletionTime is { } completed && (status.LastSuccessfulTime is null || completed > status.LastSuccessfulTime))
            {
                status.LastSuccessfulTime = completed;
            }
        }

        var owned = jobs.Select(j => j.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var reference in status.ActiveSnapshot())
        {
            if (owned.Contains(reference.Uid ?? string.Empty) || string.IsNullOrEmpty(reference.Name))
            {
                continue;
            }

            // Not in the cache yet, or gone: ask the API before forgetting it.
            if (await _client.GetAsync<Job>(new NamespacedName(cronJob.Namespace, reference.Name), cancellationToken).ConfigureAwait(false) is null)
            {
                Log.MissingJob(_logger, key, reference.Name);
                status.RemoveActive(reference.Uid);
            }
        }

        if (cronJob.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var spec = cronJob.Spec;
        if (spec.TimeZone is { } zoneName && !CronSchedule.TryFindTimeZone(zoneName, out _, out var zoneError))
        {
            Log.UnknownTimeZone(_logger, key, zoneError);
            return null;
        }

        if (spec.Suspend == true)
        {
            return null;
        }

        if (!CronSchedule.TryParse(spec.Schedule, spec.TimeZone, _time.LocalTimeZone, out var schedule, out var scheduleError))
        {
            Log.UnparseableSchedule(_logger, key, scheduleError);
            return null;
        }

        var recent = MostRecentScheduleTime(cronJob, status.LastScheduleTime, now, schedule, includeStartingDeadline: true);
        if (recent.Missed > TooManyMissed)
        {
            Log.TooManyMissedTimes(_logger, key, recent.Missed);
        }

        if (recent.MostRecent is not { } scheduled)
        {
            return NextScheduleDelay(cronJob, status.LastScheduleTime, now, schedule);
        }

        if (spec.StartingDeadlineSeconds is { } deadline && scheduled.AddSeconds(deadline) < now)
        {
            Log.MissSchedule(_logger, key, scheduled);
            return NextScheduleDelay(cronJob, status.LastScheduleTime, now, schedule);
        }

        var name = JobName(cronJob, scheduled);
        if (status.HasActiveNamed(name) || status.LastScheduleTime == scheduled)
        {
            return NextScheduleDelay(cronJob, status.LastScheduleTime, now, schedule);
        }

        if (spec.ConcurrencyPolicy == ConcurrencyPolicy.Forbid && status.ActiveCount > 0)
        {
            Log.JobAlreadyActive(_logger, key, scheduled);
            return NextScheduleDelay(cronJob, status.LastScheduleTime, now, schedule);
        }

        if (spec.ConcurrencyPolicy == ConcurrencyPolicy.Replace)
        {
            foreach (var reference in status.ActiveSnapshot())
            {
                Log.Replacing(_logger, key, reference.Name ?? string.Empty);
                await DeleteJobAsync(cronJob, reference.Name, cancellationToken).ConfigureAwait(false);
                status.RemoveActive(reference.Uid);
            }
        }

        Job created;
        try
        {
            created = await _client.CreateAsync(JobFromTemplate(cronJob, name, scheduled), cancellationToken).ConfigureAwait(false);
            Log.CreatedJob(_logger, key, created.Name, scheduled);
        }
        catch (AlreadyExistsException)
        {
            // Made by an earlier sync whose status write was lost, or by someone else.
            var existing = await _client.GetAsync<Job>(new NamespacedName(cronJob.Namespace, name), cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.Metadata.ControllerReference?.Uid != cronJob.Metadata.Uid || status.IsActive(existing.Metadata.Uid))
            {
                return null;
            }

            created = existing;
        }

        status.AddActive(ObjectReference.To(created));
        status.LastScheduleTime = scheduled;
        return NextScheduleDelay(cronJob, scheduled, now, schedule);
    }

    /// <summary>Deletes the oldest finished Jobs beyond the history limits (3 successful, 1 failed by default).</summary>
    private async Task RemoveOldJobsAsync(CronJob cronJob, IReadOnlyList<Job> jobs, StatusBuilder status, CancellationToken cancellationToken)
    {
        var successful = cronJob.Spec.SuccessfulJobsHistoryLimit ?? DefaultSuccessfulJobsHistoryLimit;
        var failed = cronJob.Spec.FailedJobsHistoryLimit ?? DefaultFailedJobsHistoryLimit;
        foreach (var (finished, limit) in new[] { (jobs.Where(JobState.IsComplete), successful), (jobs.Where(JobState.IsFailed), failed) })
        {
            var oldest = finished
                .OrderBy(j => j.Status.StartTime is null ? 1 : 0)
                .ThenBy(j => j.Status.StartTime)
                .ThenBy(j => j.Name, StringComparer.Ordinal)
                .ToList();
            foreach (var job in oldest.Take(Math.Max(0, oldest.Count - limit)))
            {
                Log.RemovingOldJob(_logger, cronJob.Key, job.Name);
                await DeleteJobAsync(cronJob, job.Name, cancellationToken).ConfigureAwait(false);
                status.RemoveActive(job.Metadata.Uid);
            }
        }
    }

    /// <summary>Deletes a Job, its pods following in the background.</summary>
    private async Task DeleteJobAsync(CronJob cronJob, string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        try
        {
            await _client.DeleteAsync<Job>(new NamespacedName(cronJob.Namespace, name), PropagationPolicy.Background, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    /// <summary>
    /// The most recent scheduled time at or before <paramref name="now"/> that is after the last
    /// one run (or the CronJob's creation, or now less startingDeadlineSeconds when that is later),
    /// and roughly how many such times were missed.
    /// </summary>
    internal static (DateTimeOffset Earliest, DateTimeOffset? MostRecent, long Missed) MostRecentScheduleTime(
        CronJob cronJob, DateTimeOffset? lastScheduleTime, DateTimeOffset now, CronSchedule schedule, bool includeStartingDeadline)
    {
        var earliest = lastScheduleTime ?? cronJob.Metadata.CreationTimestamp ?? now;
        if (includeStartingDeadline && cronJob.Spec.StartingDeadlineSeconds is { } deadline && now.AddSeconds(-deadline) > earliest)
        {
            earliest = now.AddSeconds(-deadline);
        }

        if (schedule.Next(earliest) is not { } t1 || now < t1)
        {
            return (earliest, null, 0);
        }

        if (schedule.Next(t1) is not { } t2 || now < t2)
        {
            return (earliest, t1, 1);
        }

        var interval = Math.Max(1, (long)Math.Round((t2 - t1).TotalSeconds));
        var missed = ((long)(now - t1).TotalSeconds / interval) + 1;

        // Start near now rather than walk every missed time; step further back for irregular schedules.
        for (var back = 2L; ; back *= 2)
        {
            var from = missed > back ? t1.AddSeconds((missed - back) * (double)interval) : t1;
            DateTimeOffset? mostRecent = from == t1 ? t1 : null;
            for (var t = schedule.Next(from); t is { } next && next <= now; t = schedule.Next(next))
            {
                mostRecent = next;
            }

            if (mostRecent is not null)
            {
                return (earliest, mostRecent, missed);
            }
        }
    }

    /// <summary>How long until the next scheduled time after the most recent one, plus <see cref="NextScheduleDelta"/>.</summary>
    internal static TimeSpan? NextScheduleDelay(CronJob cronJob, DateTimeOffset? lastScheduleTime, DateTimeOffset now, CronSchedule schedule)
    {
        var (earliest, mostRecent, _) = MostRecentScheduleTime(cronJob, lastScheduleTime, now, schedule, includeStartingDeadline: false);
        return schedule.Next(mostRecent ?? earliest) is { } next ? next + NextScheduleDelta - now : null;
    }

    /// <summary>The Job for the run at <paramref name="scheduled"/>; its name makes a second create for the same run fail.</summary>
    internal static string JobName(CronJob cronJob, DateTimeOffset scheduled) =>
        $"{cronJob.Name}-{scheduled.ToUnixTimeSeconds() / 60}";

    private static Job JobFromTemplate(CronJob cronJob, string name, DateTimeOffset scheduled)
    {
        var template = cronJob.Spec.JobTemplate;
        var zone = cronJob.Spec.TimeZone is { } zoneName && CronSchedule.TryFindTimeZone(zoneName, out var found, out _) ? found : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(scheduled, zone);
        var annotations = new Dictionary<string, string>(template.Metadata.Annotations, StringComparer.Ordinal)
        {
            [BatchLabels.CronJobScheduledTimestamp] = local.Offset == TimeSpan.Zero
                ? local.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        };
        return new Job
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = cronJob.Namespace,
                Labels = template.Metadata.Labels,
                Annotations = annotations,
                OwnerReferences = [OwnerReference.ControllerOf(cronJob)],
            },
            Spec = template.Spec,
        };
    }

    private IReadOnlyList<Job> OwnedJobs(CronJob cronJob)
    {
        var uid = cronJob.Metadata.Uid;
        return string.IsNullOrEmpty(uid) ? [] : [.. _jobs.Cache.ByIndex(CommonIndexes.ByControllerUid, uid).Where(j => j.Namespace == cronJob.Namespace)];
    }

    /// <summary>
    /// A changed schedule or zone waits for its next time rather than syncing now, so it does not
    /// start a run the new schedule would have had in the past; other changes sync now.
    /// </summary>
    private void CronJobUpdated(CronJob old, CronJob now)
    {
        if (old.Spec.Schedule == now.Spec.Schedule && old.Spec.TimeZone == now.Spec.TimeZone)
        {
            _queue.Add(now.Key);
            return;
        }

        if (!CronSchedule.TryParse(now.Spec.Schedule, now.Spec.TimeZone, _time.LocalTimeZone, out var schedule, out var error))
        {
            Log.UnparseableSchedule(_logger, now.Key, error);
            return;
        }

        if (NextScheduleDelay(now, now.Status.LastScheduleTime, _time.GetUtcNow(), schedule) is { } delay)
        {
            _queue.AddAfter(now.Key, delay);
        }
    }

    /// <summary>The CronJob status being rebuilt during one sync.</summary>
    private sealed class StatusBuilder(CronJobStatus original)
    {
        private readonly List<ObjectReference> _active = [.. original.Active];

        public bool Changed { get; private set; }

        public int ActiveCount => _active.Count;

        /// <summary>A copy of the active list, to walk while changing it.</summary>
        public ObjectReference[] ActiveSnapshot() => [.. _active];

        public bool HasActiveNamed(string name) => _active.Any(r => r.Name == name);

        public DateTimeOffset? LastScheduleTime
        {
            get;
            set
            {
                Changed |= field != value;
                field = value;
            }
        } = original.LastScheduleTime;

        public DateTimeOffset? LastSuccessfulTime
        {
            get;
            set
            {
                Changed |= field != value;
                field = value;
            }
        } = original.LastSuccessfulTime;

        public bool IsActive(string? uid) => _active.Any(r => r.Uid == uid);

        public void AddActive(ObjectReference reference)
        {
            _active.Add(reference);
            Changed = true;
        }

        public void RemoveActive(string? uid) => Changed |= _active.RemoveAll(r => r.Uid == uid) > 0;

        public CronJobStatus Build() => original with { Active = [.. _active], LastScheduleTime = LastScheduleTime, LastSuccessfulTime = LastSuccessfulTime };
    }
}
