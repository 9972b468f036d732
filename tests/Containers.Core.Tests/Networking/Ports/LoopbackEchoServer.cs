using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Containers.Core.Tests.Networking.Ports;

/// <summary>
/// A TCP echo server on 127.0.0.1 and a port the kernel picks: it sends back what it reads and,
/// when the client half-closes, half-closes too. Shared by the tests and the benchmarks.
/// </summary>
internal sealed class LoopbackEchoServer : IAsyncDisposable
{
    private readonly Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> connections = new();
    private readonly Task acceptLoop;

    public LoopbackEchoServer()
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        acceptLoop = AcceptAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>How many connections it has accepted so far.</summary>
    public int Accepted => accepted;

    private int accepted;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Dispose();
        await acceptLoop;
        foreach (var socket in connections.Keys)
        {
            socket.Dispose();
        }

        await Task.WhenAll(connections.Values);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        await Task.Yield();
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref accepted);
            socket.NoDelay = true;
            connections[socket] = EchoAsync(socket);
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        await Task.Yield();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping.Token);
                if (read == 0)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                }

                for (var sent = 0; sent < read;)
                {
                    sent += await socket.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, stopping.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            if (connections.TryRemove(socket, out _))
            {
                socket.Dispose();
            }
        }
    }
}
