using Microsoft.Extensions.Logging;

namespace Containers.Runtime.Oci;

public sealed partial class OciCliRuntime
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Created container {Id} with pid {Pid} through {Runtime}")]
    private partial void LogCreated(string id, int pid, string runtime);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Started container {Id} through {Runtime}")]
    private partial void LogStarted(string id, string runtime);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Deleted container {Id} through {Runtime}")]
    private partial void LogDeleted(string id, string runtime);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Removed container {Id} from {Runtime}: its owner died and its shim had gone")]
    private partial void LogSwept(string id, string runtime);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Clean-up failed: {Message}")]
    private partial void LogCleanupFailed(string message);
}
