using System.Net;
using Microsoft.Extensions.Logging;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1520, Level = LogLevel.Information, Message = "Created network {Name} (bridge {Bridge}, subnet {Subnet})")]
        public static partial void NetworkCreated(ILogger logger, string name, string bridge, string subnet);

        [LoggerMessage(EventId = 1521, Level = LogLevel.Information, Message = "Removed network {Name} (bridge {Bridge})")]
        public static partial void NetworkRemoved(ILogger logger, string name, string bridge);

        [LoggerMessage(EventId = 1522, Level = LogLevel.Information, Message = "Container {Id} joined network {Network} as {Address} through {HostInterface}")]
        public static partial void Attached(ILogger logger, string id, string network, IPAddress address, string hostInterface);

        [LoggerMessage(EventId = 1523, Level = LogLevel.Information, Message = "Container {Id} left network {Network}")]
        public static partial void Detached(ILogger logger, string id, string network);

        [LoggerMessage(EventId = 1524, Level = LogLevel.Information, Message = "Container {Id} publishes {HostEndPoint} -> {ContainerEndPoint}")]
        public static partial void PortPublished(ILogger logger, string id, IPEndPoint hostEndPoint, IPEndPoint containerEndPoint);

        [LoggerMessage(EventId = 1525, Level = LogLevel.Debug, Message = "Container {Id} stopped publishing its {Count} port(s)")]
        public static partial void PortsUnpublished(ILogger logger, string id, int count);

        [LoggerMessage(EventId = 1526, Level = LogLevel.Warning, Message = "Published ports are discarded when using host network mode: container {Name} asked for {Ports}")]
        public static partial void PortsIgnoredOnHostNetwork(ILogger logger, string name, string ports);

        [LoggerMessage(EventId = 1527, Level = LogLevel.Information, Message = "Released address {Address} on network {Network} of container {Id}, which is no longer running")]
        public static partial void StaleEndpointReleased(ILogger logger, string id, string network, IPAddress address);

        [LoggerMessage(EventId = 1528, Level = LogLevel.Warning, Message = "Reconciling the networks with the runtime failed; stale addresses stay allocated")]
        public static partial void NetworkReconcileFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1529, Level = LogLevel.Debug, Message = "Container {Id} runs with published ports that another engine serves: {Reason}")]
        public static partial void PortsServedElsewhere(ILogger logger, string id, string reason);
    }
}
