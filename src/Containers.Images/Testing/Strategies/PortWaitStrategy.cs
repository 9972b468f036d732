using System.Net;
using System.Net.Sockets;

namespace Containers.Images.Testing.Strategies;

/// <summary>
/// Ready once something in the container listens on TCP <paramref name="containerPort"/> and,
/// when the port is published, a connection to its host port on 127.0.0.1 succeeds. The
/// forwarder accepts on the host before the container listens, so the connection alone would
/// pass too early; the container's socket table is what says it listens.
/// </summary>
internal sealed class PortWaitStrategy(int containerPort) : IWaitStrategy
{
    public string Description => $"port {containerPort}/tcp to listen";

    public async Task<bool> IsReadyAsync(ThrowawayContainer container, CancellationToken cancellationToken)
    {
        if (!ListeningSockets.IsListening(container.Pid, containerPort))
        {
            return false;
        }

        if (container.FindMappedPort(containerPort) is not { } hostPort)
        {
            return true;
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, hostPort), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
