using System.Net;
using System.Net.Sockets;
using Containers.Errors;
using Containers.Networking.Ports;
using Microsoft.Extensions.Logging;

namespace Containers.Core.Tests.Networking.Ports;

/// <summary>The forwarder against a plain echo server on 127.0.0.1, with no containers.</summary>
public sealed class PortForwarderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private LoopbackEchoServer echo = null!;
    private RecordingLogger<PortForwarder> logger = null!;

    [SetUp]
    public void StartEchoServer()
    {
        echo = new LoopbackEchoServer();
        logger = new RecordingLogger<PortForwarder>();
    }

    [TearDown]
    public async Task StopEchoServer() => await echo.DisposeAsync();

    [Test]
    public async Task Forward_OneMegabyteEachWay_ArrivesIntactAndHalfCloseReachesBothEnds()
    {
        await using var forwarder = await StartAsync(new PortBinding(echo.EndPoint.Port));
        using var client = await ConnectAsync(forwarder.HostEndPoint);
        var data = RandomBytes(1 << 20, seed: 1);

        var reading = ReadToEndAsync(client);
        await client.SendAsync(data, SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        var echoed = await reading.WaitAsync(Timeout);

        Assert.That(echoed, Is.EqualTo(data), "the echo server saw our FIN, so it sent its own, and we read to the end");
        Assert.That(await WaitUntilAsync(() => forwarder.ActiveConnections == 0), Is.True, "both sides ended, so the connection is gone");
    }

    [Test]
    public async Task Forward_ServerStillSendsAfterTheClientHalfCloses()
    {
        await using var forwarder = await StartAsync(new PortBinding(echo.EndPoint.Port));
        using var client = await ConnectAsync(forwarder.HostEndPoint);

        // The client says it is done before the reply has come back: the reply must still come.
        await client.SendAsync("ping"u8.ToArray(), SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);

        Assert.That(await ReadToEndAsync(client).WaitAsync(Timeout), Is.EqualTo("ping"u8.ToArray()));
    }

    [Test]
    public async Task Forward_FiftyConcurrentConnections_EachGetsItsOwnBytesBack()
    {
        await using var forwarder = await StartAsync(new PortBinding(echo.EndPoint.Port));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var client = await ConnectAsync(forwarder.HostEndPoint);
            var data = RandomBytes(64 * 1024, seed: i);
            var reading = ReadToEndAsync(client);
            await client.SendAsync(data, SocketFlags.None);
            client.Shutdown(SocketShutdown.Send);
            return (await reading).AsSpan().SequenceEqual(data);
        })).WaitAsync(Timeout);

        Assert.That(results, Has.All.True);
        Assert.That(results, Has.Length.EqualTo(50));
        Assert.That(echo.Accepted, Is.EqualTo(50), "one upstream connection for each client");
        Assert.That(await WaitUntilAsync(() => forwarder.ActiveConnections == 0), Is.True);
    }

    [Test]
    public async Task Start_HostPortZero_ListensOnAPortTheKernelChose()
    {
        await using var forwarder = await StartAsync(PortBinding.Parse($"127.0.0.1::{echo.EndPoint.Port}"));

        Assert.That(forwarder.HostEndPoint.Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(forwarder.HostEndPoint.Port, Is.Not.Zero);
        Assert.That(forwarder.ContainerEndPoint, Is.EqualTo(echo.EndPoint));
        Assert.That(await RoundTripAsync(forwarder.HostEndPoint, "hello"u8.ToArray()), Is.EqualTo("hello"u8.ToArray()));
    }

    [Test]
    public async Task Start_FixedHostPort_ListensThereAndASecondForwarderOnItConflicts()
    {
        var port = FreePort();
        await using var forwarder = await StartAsync(new PortBinding(echo.EndPoint.Port, port));

        Assert.That(forwarder.HostEndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.That(await RoundTripAsync(forwarder.HostEndPoint, "fixed"u8.ToArray()), Is.EqualTo("fixed"u8.ToArray()));
        var error = Assert.ThrowsAsync<ConflictException>(() => StartAsync(new PortBinding(echo.EndPoint.Port, port)));
        Assert.That(error!.Message, Does.Contain($"127.0.0.1:{port}").And.Contain("already in use"));
    }

    [Test]
    public void Start_AnAddressThatIsNotThisHosts_ThrowsInvalidArgument()
    {
        // TEST-NET-1 (192.0.2.0/24) is never assigned; bind fails before anything is sent.
        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => StartAsync(PortBinding.Parse($"192.0.2.1::{echo.EndPoint.Port}")));
        Assert.That(error!.Message, Does.Contain("192.0.2.1").And.Contain("not an address of this host"));
    }

    [Test]
    public void Start_Udp_ThrowsInvalidArgument()
    {
        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => StartAsync(PortBinding.Parse("53/udp")));
        Assert.That(error!.Message, Does.Contain("UDP"));
    }

    [Test]
    public async Task Dispose_ClosesLiveClientsAndStopsListening()
    {
        var forwarder = await StartAsync(new PortBinding(echo.EndPoint.Port));
        using var client = await ConnectAsync(forwarder.HostEndPoint);
        await client.SendAsync("x"u8.ToArray(), SocketFlags.None);
        var buffer = new byte[16];
        Assert.That(await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Timeout), Is.EqualTo(1), "the connection is live");
        Assert.That(forwarder.ActiveConnections, Is.EqualTo(1));

        await forwarder.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.That(forwarder.ActiveConnections, Is.Zero);
        Assert.That(await ReceiveEndsAsync(client), Is.True, "the client sees its connection end (FIN or reset)");
        var refused = Assert.ThrowsAsync<SocketException>(() => ConnectAsync(forwarder.HostEndPoint));
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
        await forwarder.DisposeAsync();
        Assert.That(logger.Entries.Select(e => e.Id.Id), Does.Contain(5101));
    }

    [Test]
    public async Task Stop_WithAGrace_StillDeliversWhatTheContainerSentBeforeItClosed()
    {
        // More than the socket buffers on both hops hold, so most of it is still on its way when the stop begins.
        var data = RandomBytes(32 << 20, seed: 2);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen();
        var forwarder = await StartAsync(new PortBinding(((IPEndPoint)server.LocalEndPoint!).Port));
        using var client = await ConnectAsync(forwarder.HostEndPoint);
        var serving = Task.Run(async () =>
        {
            using var accepted = await server.AcceptAsync();
            await accepted.SendAsync(data, SocketFlags.None);
            accepted.Shutdown(SocketShutdown.Both);
        });
        await WaitUntilAsync(() => forwarder.ActiveConnections == 1);

        // As when the container exits: the engine stops the forwarder while the reply is in flight.
        var stopping = forwarder.StopAsync(TimeSpan.FromSeconds(15)).AsTask();
        var received = await ReadToEndAsync(client).WaitAsync(Timeout);
        await serving.WaitAsync(Timeout);
        await stopping.WaitAsync(Timeout);

        Assert.That(received.Length, Is.EqualTo(data.Length), "the whole reply, and then an orderly end rather than a reset");
        Assert.That(received, Is.EqualTo(data));
        Assert.That(forwarder.ActiveConnections, Is.Zero);
    }

    [Test]
    public async Task Stop_WithAGrace_ResetsAConnectionWhoseContainerSideIsStillOpenOnceTheGraceIsOver()
    {
        var forwarder = await StartAsync(new PortBinding(echo.EndPoint.Port));
        using var client = await ConnectAsync(forwarder.HostEndPoint);
        Assert.That(await RoundTripOnAsync(client, "x"u8.ToArray()), Is.EqualTo("x"u8.ToArray()));

        await forwarder.StopAsync(TimeSpan.FromMilliseconds(200)).AsTask().WaitAsync(Timeout);

        Assert.That(forwarder.ActiveConnections, Is.Zero);
        Assert.That(await ReceiveEndsAsync(client), Is.True, "the echo server never ends its side, so the grace runs out and the connection is cut");
    }

    [Test]
    public async Task Forward_ToAPortWhereNothingListens_DropsTheClientAndLogsIt()
    {
        // A bound socket that does not listen holds the port and answers connects with a reset.
        using var deaf = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        deaf.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var forwarder = await StartAsync(new PortBinding(((IPEndPoint)deaf.LocalEndPoint!).Port));

        // The forwarder may reset the client so fast that the reset is what its connect reports.
        bool dropped;
        try
        {
            using var client = await ConnectAsync(forwarder.HostEndPoint);
            dropped = await ReceiveEndsAsync(client);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            dropped = true;
        }

        Assert.That(dropped, Is.True);
        Assert.That(await WaitUntilAsync(() => logger.Entries.Any(e => e.Id.Id == 5103)), Is.True, "the refusal is logged");
        var entry = logger.Entries.Single(e => e.Id.Id == 5103);
        Assert.That((entry.Level, (entry.Exception as SocketException)?.SocketErrorCode), Is.EqualTo((LogLevel.Warning, SocketError.ConnectionRefused)));
        Assert.That(entry.Message, Does.Contain(((IPEndPoint)deaf.LocalEndPoint!).ToString()));
        Assert.That(await WaitUntilAsync(() => forwarder.ActiveConnections == 0), Is.True);
    }

    [Test]
    public async Task Forward_ClientResets_ClosesTheUpstreamConnectionToo()
    {
        await using var forwarder = await StartAsync(new PortBinding(echo.EndPoint.Port));
        var client = await ConnectAsync(forwarder.HostEndPoint);
        Assert.That(await RoundTripOnAsync(client, "a"u8.ToArray()), Is.EqualTo("a"u8.ToArray()));

        client.LingerState = new LingerOption(true, 0);
        client.Dispose();

        Assert.That(await WaitUntilAsync(() => forwarder.ActiveConnections == 0), Is.True, "the reset ends the forwarded connection");
    }

    private Task<PortForwarder> StartAsync(PortBinding binding) => PortForwarder.StartAsync(binding, IPAddress.Loopback, logger);

    internal static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(Timeout);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }

    private static async Task<byte[]> RoundTripAsync(IPEndPoint endPoint, byte[] data)
    {
        using var client = await ConnectAsync(endPoint);
        return await RoundTripOnAsync(client, data);
    }

    private static async Task<byte[]> RoundTripOnAsync(Socket client, byte[] data)
    {
        await client.SendAsync(data, SocketFlags.None);
        var buffer = new byte[data.Length];
        for (var got = 0; got < data.Length;)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None).AsTask().WaitAsync(Timeout);
            Assert.That(read, Is.Not.Zero, "the connection ended early");
            got += read;
        }

        return buffer;
    }

    /// <summary>Whether a receive ends the stream, with 0 bytes or a reset, within the timeout.</summary>
    private static async Task<bool> ReceiveEndsAsync(Socket client)
    {
        try
        {
            return await client.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(Timeout) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + Timeout; DateTime.UtcNow < deadline; await Task.Delay(10))
        {
            if (condition())
            {
                return true;
            }
        }

        return condition();
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
