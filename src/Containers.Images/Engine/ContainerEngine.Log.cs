using Microsoft.Extensions.Logging;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Created container {Id} ({Name}) from image {Image}")]
        public static partial void Created(ILogger logger, string id, string name, Digest image);

        [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Started container {Id}")]
        public static partial void Started(ILogger logger, string id);

        [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Container {Id} stopped: {Status}")]
        public static partial void Exited(ILogger logger, string id, Containers.Processes.ExitStatus status);

        [LoggerMessage(EventId = 1507, Level = LogLevel.Warning, Message = "Container {Id} ran out of memory: the OOM killer killed {Kills} of its processes")]
        public static partial void OomKilled(ILogger logger, string id, ulong kills);

        [LoggerMessage(EventId = 1508, Level = LogLevel.Warning, Message = "The runtime could not tell how container {Id} ended; it is recorded as killed")]
        public static partial void ExitUnknown(ILogger logger, string id, Exception error);

        [LoggerMessage(EventId = 1509, Level = LogLevel.Error, Message = "The exit of container {Id} could not be recorded; its waiters are told, and it is not restarted")]
        public static partial void RecordingExitFailed(ILogger logger, string id, Exception error);

        [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Removed container {Id}")]
        public static partial void Removed(ILogger logger, string id);

        [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "Container {Id} did not stop within {Grace} of signal {Signal}; killing it")]
        public static partial void GraceExpired(ILogger logger, string id, TimeSpan grace, int signal);

        [LoggerMessage(EventId = 1506, Level = LogLevel.Information, Message = "Found container {Id} ({Name}) recorded under the engine's root; following it again")]
        public static partial void Recovered(ILogger logger, string id, string name);

        [LoggerMessage(EventId = 1530, Level = LogLevel.Information, Message = "Container {Id} restarts in {Delay} by its restart policy (restart {Count})")]
        public static partial void Restarting(ILogger logger, string id, TimeSpan delay, int count);

        [LoggerMessage(EventId = 1531, Level = LogLevel.Error, Message = "Container {Id} could not be restarted by its restart policy; it stays stopped")]
        public static partial void RestartFailed(ILogger logger, string id, Exception error);

        [LoggerMessage(EventId = 1532, Level = LogLevel.Information, Message = "Exec {Program} in container {Id} as pid {Pid}")]
        public static partial void Exec(ILogger logger, string id, string program, int pid);

        [LoggerMessage(EventId = 1533, Level = LogLevel.Information, Message = "Removed volume {Name}")]
        public static partial void VolumeRemoved(ILogger logger, string name);
    }
}
