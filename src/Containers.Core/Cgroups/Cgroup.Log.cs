using Microsoft.Extensions.Logging;

namespace Containers.Cgroups;

public sealed partial class Cgroup
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Created cgroup {Path} ({Mode})")]
        public static partial void Created(ILogger logger, string path, CgroupMode mode);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Deleted cgroup {Path}")]
        public static partial void Deleted(ILogger logger, string path);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Signalling each process of cgroup {Path} with {Signal} (frozen meanwhile: {Frozen})")]
        public static partial void SignallingEach(ILogger logger, string path, int signal, bool frozen);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "cgroup {Path}: {Setting} has no cgroup v2 counterpart and was ignored")]
        public static partial void IgnoredOnV2(ILogger logger, string path, string setting);
    }
}
