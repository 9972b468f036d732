using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Store.Embedded.Persistence;

internal sealed partial class WriteAheadLog
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Store log {Path} ends in a torn or damaged record at offset {Offset}: cut {Bytes} bytes off (writes that were never acknowledged)")]
        public static partial void TornTail(ILogger logger, string path, long offset, long bytes);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Store snapshot of {Directory} written at revision {Revision} with {Count} objects; log emptied")]
        public static partial void SnapshotWritten(ILogger logger, string directory, long revision, int count);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Store log in {Directory} could not be written; the store refuses writes until it is reopened")]
        public static partial void WriteFailed(ILogger logger, string directory, Exception exception);
    }
}
