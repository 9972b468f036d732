using Containers.Orchestration.Api;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.Batch;

internal sealed partial class JobReconciler
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 8500, Level = LogLevel.Debug, Message = "Job {Job} created pod {Pod}")]
        public static partial void CreatedPod(ILogger logger, NamespacedName job, string pod);

        [LoggerMessage(EventId = 8501, Level = LogLevel.Debug, Message = "Job {Job} deleted pod {Pod}")]
        public static partial void DeletedPod(ILogger logger, NamespacedName job, string pod);

        [LoggerMessage(EventId = 8502, Level = LogLevel.Debug, Message = "Job {Job} waits {Delay} after failed pods before making more")]
        public static partial void BackingOff(ILogger logger, NamespacedName job, TimeSpan delay);

        [LoggerMessage(EventId = 8503, Level = LogLevel.Information, Message = "Job {Job} is done ({Condition}, {Reason}): removing its remaining pods")]
        public static partial void Finishing(ILogger logger, NamespacedName job, string condition, string reason);

        [LoggerMessage(EventId = 8504, Level = LogLevel.Information, Message = "Job {Job} {Condition}: {Succeeded} succeeded, {Failed} failed")]
        public static partial void Finished(ILogger logger, NamespacedName job, string condition, int succeeded, int failed);
    }
}
