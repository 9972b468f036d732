using System.Net.Sockets;
using System.Text;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Shim;

/// <summary>
/// A SOCK_SEQPACKET conversation with a shim: one message per request or event. .NET's
/// <see cref="Socket"/> gives the async wait (a peek), and <c>recvmsg</c> takes the message
/// itself, since only it can carry a terminal's fd.
/// </summary>
internal sealed class ShimChannel : IDisposable
{
    private const int MaxMessage = 8192;
    private readonly Socket socket;
    private readonly byte[] peek = new byte[1];

    /// <summary>sun_path's size, the terminating NUL included.</summary>
    private const int MaxSocketPath = 108;

    private ShimChannel(Socket socket) => this.socket = socket;

    private int Fd => (int)socket.SafeHandle.DangerousGetHandle();

    /// <summary>A connected pair: this side, and the fd to hand to the shim as its fd 3.</summary>
    public static unsafe (ShimChannel Channel, int PeerFd) CreatePair()
    {
        var fds = stackalloc int[2];
        if (LibC.SocketPair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, fds) != 0)
        {
            throw Errno.ToException("socketpair", "the shim's channel");
        }

        return (new ShimChannel(new Socket(new SafeSocketHandle(fds[0], ownsHandle: true))), fds[1]);
    }

    /// <summary>Connects to a running shim's <c>shim.sock</c>; null when no shim listens there.</summary>
    public static async ValueTask<ShimChannel?> TryConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        var directory = -1;
        try
        {
            if (Encoding.UTF8.GetByteCount(socketPath) >= MaxSocketPath)
            {
                // Past sun_path's limit (a deep state root): connect through the directory's fd, as the shim binds.
                directory = OpenPath(Path.GetDirectoryName(socketPath)!);
                socketPath = $"/proc/self/fd/{directory}/{Path.GetFileName(socketPath)}";
            }

            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            return new ShimChannel(socket);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.NoData
            || e.NativeErrorCode is Errno.ENOENT or LibC.ECONNREFUSED)
        {
            socket.Dispose();
            return null;
        }
        finally
        {
            if (directory >= 0)
            {
                LibC.Close(directory);
            }
        }
    }

    private static int OpenPath(string directory)
    {
        var fd = LibC.Open(directory, LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        return fd >= 0 ? fd : throw Errno.ToException("open", directory);
    }

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public unsafe void Send(ReadOnlySpan<byte> message)
    {
        fixed (byte* data = message)
        {
            var iov = new LibC.IoVec { Base = data, Length = (nuint)message.Length };
            var header = new LibC.MsgHdr { Iov = &iov, IovLength = 1 };
            nint sent;
            do
            {
                sent = LibC.SendMsg(Fd, &header, LibC.MSG_NOSIGNAL);
            }
            while (sent < 0 && Errno.Last == Errno.EINTR);

            if (sent < 0)
            {
                var errno = Errno.Last;
                if (errno == Errno.EMSGSIZE)
                {
                    throw new InvalidArgumentException($"the container's setup is {message.Length} bytes, more than the shim's socket takes in one message; use fewer mounts, devices or environment variables");
                }

                if (errno is Errno.EPIPE or Errno.ECONNRESET)
                {
                    // The shim exited between our check and this send: the container has ended.
                    throw new UnavailableException("the container's shim has exited; the container is no longer running");
                }

                throw Errno.ToException(errno, "send to", "the container's shim");
            }
        }
    }

    /// <summary>The next message, or null once the shim has gone.</summary>
    public async ValueTask<ShimMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int peeked;
            try
            {
                peeked = await socket.ReceiveAsync(peek, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.OperationAborted)
            {
                return null;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }

            if (peeked == 0)
            {
                return null;
            }

            if (TryReceive(out var message))
            {
                return message;
            }
        }
    }

    private unsafe bool TryReceive(out ShimMessage message)
    {
        var data = stackalloc byte[MaxMessage];
        var control = stackalloc byte[64];
        var iov = new LibC.IoVec { Base = data, Length = MaxMessage };
        var header = new LibC.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = 64 };
        var received = LibC.RecvMsg(Fd, &header, LibC.MSG_DONTWAIT | LibC.MSG_CMSG_CLOEXEC);
        if (received < 0)
        {
            var errno = Errno.Last;
            if (errno is Errno.EAGAIN or Errno.EINTR)
            {
                message = default;
                return false;
            }

            throw Errno.ToException(errno, "receive from", "the container's shim");
        }

        var passed = -1;
        if (header.ControlLength >= (nuint)sizeof(LibC.CmsgHdr))
        {
            var cmsg = (LibC.CmsgHdr*)control;
            if (cmsg->Level == LibC.SOL_SOCKET && cmsg->Type == LibC.SCM_RIGHTS)
            {
                passed = *(int*)(control + sizeof(LibC.CmsgHdr));
            }
        }

        message = new ShimMessage(Encoding.UTF8.GetString(data, (int)received), passed);
        return true;
    }

    /// <summary>Sends a request and waits for the one reply.</summary>
    public async ValueTask<ShimMessage> RequestAsync(string request, CancellationToken cancellationToken = default)
    {
        Send(request);
        return await ReceiveAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new UnavailableException($"the container's shim went away while answering \"{request}\"");
    }

    /// <summary>Ends the conversation: a pending receive sees end-of-file rather than an aborted operation.</summary>
    public void Shutdown()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already closed by the shim.
        }
    }

    public void Dispose() => socket.Dispose();
}
