using System.Globalization;
using System.Net;
using Containers.Networking.Ports;

namespace Containers.Images.Engine;

/// <summary>A port a running container publishes: its port, and the host endpoint that forwards to it.</summary>
/// <param name="ContainerPort">The port inside the container.</param>
/// <param name="Protocol">TCP (the only one forwarded so far).</param>
/// <param name="HostEndPoint">The endpoint bound on the host, with the port the kernel chose when 0 was asked.</param>
public sealed record PublishedPort(int ContainerPort, PortProtocol Protocol, IPEndPoint HostEndPoint)
{
    /// <summary>Docker's form: <c>127.0.0.1:49153-&gt;80/tcp</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{HostEndPoint}->{ContainerPort}/{Protocol.ToString().ToLowerInvariant()}");
}
