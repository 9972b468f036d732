using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Containers.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Networking.Ports;

/// <summary>
/// A published TCP port, forwarded in user space as docker-proxy does, with no iptables: it
/// listens on the binding's host endpoint and, for each connection, connects to the container
/// and copies bytes both ways until both sides have finished. A half-close (FIN) on one side is
/// passed on to the other; an error on either side aborts both.
/// </summary>
/// <remarks>
/// <see cref="StopAsync"/> stops listening and, within a grace period, lets each live connection
/// pass on what its container side had already sent (a container that exits right after it
/// writes its reply must not lose it to the stop); disposing stops with no grace and cuts every
/// live connection. Nothing it starts can leave an unobserved exception: every connection's
/// failure is caught and logged.
/// </remarks>
public sealed partial class PortForwarder : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;
    private const int Backlog = 512;

    private readonly Socket listener;
    private readonly ILogger logger;
    private readonly CancellationTokenSource accepting = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Connection, byte> connections = new();
    private readonly Task acceptLoop;
    private int disposed;

    private PortForwarder(PortBinding binding, Socket listener, IPEndPoint containerEndPoint, ILogger logger)
    {
        Binding = binding;
        this.listener = listener;
        this.logger = logger;
        ContainerEndPoint = containerEndPoint;
        HostEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The binding this forwarder serves.</summary>
    public PortBinding Binding { get; }

    /// <summary>Where it listens; the port is the one the kernel chose when the binding asked for 0.</summary>
    public IPEndPoint HostEndPoint { get; }

    /// <summary>Where each connection is forwarded to: the container's address and port.</summary>
    public IPEndPoint ContainerEndPoint { get; }

    /// <summary>How long connecting to the container may take before the client's connection is dropped.</summary>
    internal static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>How many client connections are being forwarded now.</summary>
    internal int ActiveConnections => connections.Count;

    /// <summary>Listens on <paramref name="binding"/>'s host endpoint and forwards to <paramref name="containerAddress"/>.</summary>
    /// <exception cref="InvalidArgumentException">The binding is UDP, or its host address is not one of this host's.</exception>
    /// <exception cref="ConflictException">The host port is already in use.</exception>
    public static Task<PortForwarder> StartAsync(PortBinding binding, IPAddress containerAddress, ILogger<PortForwarder>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(containerAddress);
        cancellationToken.ThrowIfCancellationRequested();
        if (binding.ContainerPort == 0)
        {
            throw new InvalidArgumentException("port binding has no container port; make it with new PortBinding(containerPort, ...) or PortBinding.Parse");
        }

        if (binding.Protocol != PortProtocol.Tcp)
        {
            throw new InvalidArgumentException($"port binding {binding} is UDP; only TCP ports can be forwarded so far");
        }

        var listener = new Socket(binding.HostAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(binding.HostEndPoint);
            listener.Listen(Backlog);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new ConflictException($"host port {binding.HostEndPoint} of binding {binding} is already in use; pick another, or leave the host port out for a free one", e),
                SocketError.AddressNotAvailable => new InvalidArgumentException($"host address {binding.HostAddress} of binding {binding} is not an address of this host", e),
                SocketError.AccessDenied => new InvalidArgumentException($"host port {binding.HostPort} of binding {binding} is privileged; listening on it needs CAP_NET_BIND_SERVICE", e),
                _ => new UnavailableException($"cannot listen on {binding.HostEndPoint} for binding {binding}: {e.Message}", e),
            };
        }

        var forwarder = new PortForwarder(binding, listener, new IPEndPoint(containerAddress, binding.ContainerPort), logger ?? (ILogger)NullLogger.Instance);
        Log.Started(forwarder.logger, forwarder.HostEndPoint, forwarder.ContainerEndPoint);
        return Task.FromResult(forwarder);
    }

    /// <summary>Stops listening, cuts every live connection and waits until they are gone.</summary>
    public ValueTask DisposeAsync() => StopAsync(TimeSpan.Zero);

    /// <summary>
    /// Stops listening, then waits up to <paramref name="grace"/> for each live connection's
    /// container side to end, passing on what it sent; a connection whose container side has
    /// ended is closed in order (FIN), the rest are cut (reset). Returns once all are gone. Only
    /// the first stop (or dispose) does anything.
    /// </summary>
    public async ValueTask StopAsync(TimeSpan grace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await accepting.CancelAsync();
        listener.Dispose();
        await acceptLoop;

        // The accept loop is over, so the set only shrinks now.
        var live = connections.Keys.ToArray();
        if (grace > TimeSpan.Zero && live.Length > 0)
        {
            await Task.WhenAll(live.Select(c => c.ContainerSideEnded.Task)).WaitAsync(grace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Each task ends soon after the cancel.
        await stopping.CancelAsync();
        await Task.WhenAll(live.Select(c => c.Task));
        accepting.Dispose();
        stopping.Dispose();
        Log.Stopped(logger, HostEndPoint, live.Length);
    }

    private async Task AcceptLoopAsync()
    {
        // Yield first so that the constructor does not run the loop.
        await Task.Yield();
        while (!accepting.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(accepting.Token);
            }
            catch (Exception e) when (accepting.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors or memory, or the client gave up before accept: wait a little, go on.
                Log.AcceptFailed(logger, e, HostEndPoint);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), accepting.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var connection = new Connection(client, stopping.Token);
            connections.TryAdd(connection, 0);
            connection.Task = ForwardAsync(connection);
        }
    }

    private async Task ForwardAsync(Connection connection)
    {
        var client = connection.Client;
        var token = connection.Aborting.Token;
        Socket upstream;
        try
        {
            // Made here, not in the accept loop, so that running out of descriptors drops this client only.
            upstream = connection.Upstream = new Socket(ContainerEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    await upstream.ConnectAsync(ContainerEndPoint, timeout.Token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    throw new SocketException((int)SocketError.TimedOut);
                }
            }

            Log.Connected(logger, connection.ClientEndPoint, HostEndPoint, ContainerEndPoint);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!token.IsCancellationRequested)
            {
                Log.ContainerUnreachable(logger, e, connection.ClientEndPoint, ContainerEndPoint);
            }

            connection.ContainerSideEnded.TrySetResult();
            connection.Close(abort: true);
            connections.TryRemove(connection, out _);
            return;
        }

        var toContainer = CopyAsync(connection, client, upstream, "client to container");
        var toClient = CopyAsync(connection, upstream, client, "container to client");
        var containerSide = await toClient;
        connection.ContainerSideEnded.TrySetResult();
        var clientSide = await toContainer;

        // The client has had all the container sent, and its FIN, unless that direction did not
        // finish; a reset then, as also when the client's side failed, so that neither end
        // mistakes a cut connection for a finished one. A stop only cancels the client's side.
        connection.Close(abort: containerSide != CopyEnd.Finished || clientSide == CopyEnd.Failed);
        connections.TryRemove(connection, out _);
    }

    /// <summary>Copies until <paramref name="from"/> ends, then half-closes <paramref name="to"/>; never throws.</summary>
    private async Task<CopyEnd> CopyAsync(Connection connection, Socket from, Socket to, string direction)
    {
        var token = connection.Aborting.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return CopyEnd.Finished;
                }

                for (var sent = 0; sent < read;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, token);
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!token.IsCancellationRequested)
            {
                Log.CopyFailed(logger, e, direction, connection.ClientEndPoint, ContainerEndPoint);

                // The other direction has no reason to go on: stop it, and reset both sides.
                await connection.Aborting.CancelAsync();
                return CopyEnd.Failed;
            }

            return CopyEnd.Cancelled;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private enum CopyEnd
    {
        /// <summary>The source ended in order, and the destination was half-closed.</summary>
        Finished,

        /// <summary>The connection was aborted, by the stop or by the other direction's failure.</summary>
        Cancelled,

        /// <summary>This direction failed, and aborted the connection.</summary>
        Failed,
    }

    private sealed class Connection
    {
        public Connection(Socket client, CancellationToken stopping)
        {
            Client = client;
            ClientEndPoint = client.RemoteEndPoint;
            Aborting = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        }

        public Socket Client { get; }

        public Socket? Upstream { get; set; }

        public EndPoint? ClientEndPoint { get; }

        /// <summary>Cancelled when the forwarder stops or either direction fails.</summary>
        public CancellationTokenSource Aborting { get; }

        /// <summary>Set once nothing more can come from the container: its side ended, failed or never connected.</summary>
        public TaskCompletionSource ContainerSideEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task { get; set; } = Task.CompletedTask;

        public void Close(bool abort)
        {
            foreach (var socket in new[] { Client, Upstream })
            {
                if (socket is null)
                {
                    continue;
                }

                if (abort)
                {
                    try
                    {
                        // A zero linger makes close send a reset, as the failed side did.
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException)
                    {
                    }
                }

                socket.Dispose();
            }

            Aborting.Dispose();
        }
    }
}
