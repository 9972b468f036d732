using Microsoft.Extensions.Logging;

namespace Containers.Images.Snapshots;

public static partial class SnapshotterSelector
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Using the {Snapshotter} snapshotter for {Root}")]
        public static partial void Selected(ILogger logger, string snapshotter, string root);
    }
}
