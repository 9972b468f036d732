using Microsoft.Extensions.Logging;

namespace Containers.Images.Snapshots;

public sealed partial class SnapshotGarbageCollector
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1221, Level = LogLevel.Information, Message = "Snapshot garbage collection in {Snapshotter} removed {Removed} snapshots and kept {Kept}")]
        public static partial void Collected(ILogger logger, string snapshotter, int removed, int kept);

        [LoggerMessage(EventId = 1222, Level = LogLevel.Debug, Message = "Snapshot garbage collection kept {Name}: {Reason}")]
        public static partial void Skipped(ILogger logger, string name, string reason);
    }
}
