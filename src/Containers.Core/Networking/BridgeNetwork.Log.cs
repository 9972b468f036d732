using Microsoft.Extensions.Logging;

namespace Containers.Networking;

public sealed partial class BridgeNetwork
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Created bridge network {Name} on {Subnet}")]
        public static partial void Created(ILogger logger, string name, Ipv4Subnet subnet);

        [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Connected container {ContainerId} to network {Name} as {Address} through {HostInterface}")]
        public static partial void Connected(ILogger logger, string containerId, string name, System.Net.IPAddress address, string hostInterface);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Connecting container {ContainerId} to network {Name} failed; undoing what was made")]
        public static partial void ConnectFailed(ILogger logger, Exception exception, string containerId, string name);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Disconnected container {ContainerId} from network {Name}")]
        public static partial void Disconnected(ILogger logger, string containerId, string name);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Deleted bridge network {Name} ({Endpoints} endpoints removed)")]
        public static partial void Deleted(ILogger logger, string name, int endpoints);
    }
}
