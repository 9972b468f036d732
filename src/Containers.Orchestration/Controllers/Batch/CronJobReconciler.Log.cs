using Containers.Orchestration.Api;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.Batch;

/// <remarks>The messages carry Kubernetes' event reasons, since there is no Event API to record them in.</remarks>
internal sealed partial class CronJobReconciler
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 8510, Level = LogLevel.Information, Message = "CronJob {CronJob} SuccessfulCreate: created job {Job} for {Scheduled:O}")]
        public static partial void CreatedJob(ILogger logger, NamespacedName cronJob, string job, DateTimeOffset scheduled);

        [LoggerMessage(EventId = 8511, Level = LogLevel.Warning, Message = "CronJob {CronJob} MissSchedule: missed scheduled time to start a job: {Scheduled:O} (past startingDeadlineSeconds)")]
        public static partial void MissSchedule(ILogger logger, NamespacedName cronJob, DateTimeOffset scheduled);

        [LoggerMessage(EventId = 8512, Level = LogLevel.Information, Message = "CronJob {CronJob} JobAlreadyActive: not starting the run of {Scheduled:O} because an earlier run is active and concurrencyPolicy is Forbid")]
        public static partial void JobAlreadyActive(ILogger logger, NamespacedName cronJob, DateTimeOffset scheduled);

        [LoggerMessage(EventId = 8513, Level = LogLevel.Warning, Message = "CronJob {CronJob} TooManyMissedTimes: too many missed start times: {Missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew")]
        public static partial void TooManyMissedTimes(ILogger logger, NamespacedName cronJob, long missed);

        [LoggerMessage(EventId = 8514, Level = LogLevel.Warning, Message = "CronJob {CronJob} UnknownTimeZone: {Error}; no job is started until it is fixed")]
        public static partial void UnknownTimeZone(ILogger logger, NamespacedName cronJob, string error);

        [LoggerMessage(EventId = 8515, Level = LogLevel.Warning, Message = "CronJob {CronJob} UnparseableSchedule: {Error}; no job is started until it is fixed")]
        public static partial void UnparseableSchedule(ILogger logger, NamespacedName cronJob, string error);

        [LoggerMessage(EventId = 8516, Level = LogLevel.Information, Message = "CronJob {CronJob} SawCompletedJob: {Job}, status: {Condition}")]
        public static partial void SawCompletedJob(ILogger logger, NamespacedName cronJob, string job, string condition);

        [LoggerMessage(EventId = 8517, Level = LogLevel.Warning, Message = "CronJob {CronJob} UnexpectedJob: saw job {Job} that the controller did not create or forgot")]
        public static partial void UnexpectedJob(ILogger logger, NamespacedName cronJob, string job);

        [LoggerMessage(EventId = 8518, Level = LogLevel.Information, Message = "CronJob {CronJob} MissingJob: active job went missing: {Job}")]
        public static partial void MissingJob(ILogger logger, NamespacedName cronJob, string job);

        [LoggerMessage(EventId = 8519, Level = LogLevel.Information, Message = "CronJob {CronJob} deleting job {Job}, still running at the next scheduled time (concurrencyPolicy Replace)")]
        public static partial void Replacing(ILogger logger, NamespacedName cronJob, string job);

        [LoggerMessage(EventId = 8521, Level = LogLevel.Information, Message = "CronJob {CronJob} deleting finished job {Job} beyond its history limit")]
        public static partial void RemovingOldJob(ILogger logger, NamespacedName cronJob, string job);
    }
}
