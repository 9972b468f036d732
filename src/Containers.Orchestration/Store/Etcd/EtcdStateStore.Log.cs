using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Store.Etcd;

public sealed partial class EtcdStateStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Store on etcd at {Endpoints} under {Prefix}: revision {Revision}, {Count} keys")]
        public static partial void Connected(ILogger logger, string endpoints, string prefix, long revision, long count);

        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Compacted etcd to revision {Revision}")]
        public static partial void Compacted(ILogger logger, long revision);
    }
}
