using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Store.Embedded;

public sealed partial class EmbeddedStateStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Store opened from {Directory}: {Count} objects up to revision {Durable}; resuming at revision {Resumed}")]
        public static partial void Recovered(ILogger logger, string directory, int count, long durable, long resumed);

        [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Dropped a watcher of {Prefix}: it fell {Buffer} events behind at revision {Revision}; it must relist")]
        public static partial void WatcherDropped(ILogger logger, string prefix, int buffer, long revision);
    }
}
