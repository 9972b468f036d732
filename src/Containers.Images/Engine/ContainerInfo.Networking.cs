using System.Net;
using Containers.Errors;
using Containers.Networking.Ports;

namespace Containers.Images.Engine;

public sealed partial record ContainerInfo
{
    /// <summary>The network it joined: <c>"none"</c>, <c>"host"</c>, <c>"bridge"</c> or a created network's name.</summary>
    public string? Network { get; init; }

    /// <summary>Its address on its bridge network while it is created or running; null otherwise.</summary>
    public IPAddress? IPAddress { get; init; }

    /// <summary>Its published ports while it runs, each with the host endpoint actually bound.</summary>
    public IReadOnlyList<PublishedPort> Ports { get; init; } = [];

    /// <summary>Where the host reaches <paramref name="containerPort"/> of the container, e.g. <c>127.0.0.1:49153</c>.</summary>
    /// <exception cref="NotFoundException">The port is not published, or the container is not running.</exception>
    public IPEndPoint GetHostEndPoint(int containerPort, PortProtocol protocol = PortProtocol.Tcp) =>
        Ports.FirstOrDefault(p => p.ContainerPort == containerPort && p.Protocol == protocol)?.HostEndPoint
        ?? throw new NotFoundException(
            $"container {Name} has no published port {containerPort}/{protocol.ToString().ToLowerInvariant()}"
            + (Ports.Count == 0 ? " (it publishes none now; ports are published while it runs)" : $" (it publishes {string.Join(", ", Ports)})")
            + "; publish it with ContainerRunSpec.Ports");
}
