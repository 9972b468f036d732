using Microsoft.Extensions.Logging;

namespace Containers.Runtime.Builtin;

public sealed partial class BuiltinRuntime
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Created container {Id} with pid {Pid}")]
    private partial void LogCreated(string id, int pid);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Started container {Id}")]
    private partial void LogStarted(string id);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Deleted container {Id}")]
    private partial void LogDeleted(string id);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Container {Id}: its spec has a seccomp profile, which this runtime does not apply yet; the container runs without one")]
    private partial void LogSeccompNotApplied(string id);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Removed container {Id}, left behind by owner pid {OwnerPid}, which is gone")]
    private partial void LogSwept(string id, int ownerPid);
}
