using System.Net;
using Microsoft.Extensions.Logging;

namespace Containers.Networking.Ports;

public sealed partial class PortForwarder
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Forwarding {HostEndPoint} to {ContainerEndPoint}")]
        public static partial void Started(ILogger logger, IPEndPoint hostEndPoint, IPEndPoint containerEndPoint);

        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Stopped forwarding {HostEndPoint}; closed {Connections} live connections")]
        public static partial void Stopped(ILogger logger, IPEndPoint hostEndPoint, int connections);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Forwarding a connection from {Client} on {HostEndPoint} to {ContainerEndPoint}")]
        public static partial void Connected(ILogger logger, EndPoint? client, IPEndPoint hostEndPoint, IPEndPoint containerEndPoint);

        [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Dropped the connection from {Client}: cannot connect to the container at {ContainerEndPoint}")]
        public static partial void ContainerUnreachable(ILogger logger, Exception exception, EndPoint? client, IPEndPoint containerEndPoint);

        [LoggerMessage(EventId = 5104, Level = LogLevel.Debug, Message = "Aborted the connection from {Client} to {ContainerEndPoint}: copying {Direction} failed")]
        public static partial void CopyFailed(ILogger logger, Exception exception, string direction, EndPoint? client, IPEndPoint containerEndPoint);

        [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Accepting a connection on {HostEndPoint} failed; trying again")]
        public static partial void AcceptFailed(ILogger logger, Exception exception, IPEndPoint hostEndPoint);
    }
}
