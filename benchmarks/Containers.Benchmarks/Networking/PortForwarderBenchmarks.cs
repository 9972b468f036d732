using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Containers.Core.Tests.Networking.Ports;
using Containers.Networking.Ports;

namespace Containers.Benchmarks.Networking;

/// <summary>
/// The round trip of a 1 KiB message to an echo server on 127.0.0.1, straight to it and through
/// a <see cref="PortForwarder"/>, on a connection kept open; and the same with a new connection
/// each time, which adds the forwarder's accept and its connect to the server.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PortForwarderBenchmarks
{
    private readonly byte[] message = new byte[1024];
    private readonly byte[] reply = new byte[1024];
    private LoopbackEchoServer echo = null!;
    private PortForwarder forwarder = null!;
    private Socket direct = null!;
    private Socket forwarded = null!;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(message);
        echo = new LoopbackEchoServer();
        forwarder = PortForwarder.StartAsync(new PortBinding(echo.EndPoint.Port), IPAddress.Loopback).GetAwaiter().GetResult();
        direct = Connect(echo.EndPoint);
        forwarded = Connect(forwarder.HostEndPoint);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        direct.Dispose();
        forwarded.Dispose();
        forwarder.DisposeAsync().AsTask().GetAwaiter().GetResult();
        echo.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "1 KiB round trip, direct")]
    public Task<int> Direct() => RoundTripAsync(direct);

    [Benchmark(Description = "1 KiB round trip, through the forwarder")]
    public Task<int> Forwarded() => RoundTripAsync(forwarded);

    [Benchmark(Description = "connect + 1 KiB round trip + close, direct")]
    public Task<int> DirectNewConnection() => NewConnectionRoundTripAsync(echo.EndPoint);

    [Benchmark(Description = "connect + 1 KiB round trip + close, through the forwarder")]
    public Task<int> ForwardedNewConnection() => NewConnectionRoundTripAsync(forwarder.HostEndPoint);

    private static Socket Connect(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(endPoint);
        return socket;
    }

    private async Task<int> NewConnectionRoundTripAsync(IPEndPoint endPoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        var got = await RoundTripAsync(socket);
        socket.Shutdown(SocketShutdown.Send);

        // Wait for the echo's FIN, so the server side is done before the next iteration.
        while (await socket.ReceiveAsync(reply, SocketFlags.None) > 0)
        {
        }

        return got;
    }

    private async Task<int> RoundTripAsync(Socket socket)
    {
        await socket.SendAsync(message, SocketFlags.None);
        var got = 0;
        while (got < reply.Length)
        {
            var read = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None);
            if (read == 0)
            {
                throw new InvalidOperationException("the echo connection ended early");
            }

            got += read;
        }

        return got;
    }
}
