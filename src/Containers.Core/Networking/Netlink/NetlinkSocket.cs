using System.Runtime.InteropServices;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Networking.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket that sends one request at a time and reads its replies: every request
/// asks for an acknowledgement and carries its own sequence number, so a failure comes back as
/// the NLMSG_ERROR for that request and turns into a typed exception naming the operation. A
/// netlink socket stays bound to the network namespace it was created in; to work inside a
/// container's, create it on a thread that has joined that namespace
/// (<see cref="NetworkNamespaceHandle.RunAsync{T}"/>).
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly byte[] receiveBuffer = new byte[ReceiveBufferSize];
    private int fd;
    private uint sequence;

    private NetlinkSocket(int fd, uint firstSequence)
    {
        this.fd = fd;
        sequence = firstSequence;
    }

    /// <summary>A socket in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open()
    {
        var fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0)
        {
            throw Errno.ToException("socket", "AF_NETLINK NETLINK_ROUTE");
        }

        try
        {
            var one = 1;
            // Extended acks carry the kernel's own words for a failure; capped acks leave the request out of them.
            _ = LibC.SetSockOpt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, &one, sizeof(int));
            _ = LibC.SetSockOpt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, &one, sizeof(int));
            var timeout = new LibC.TimeVal { Seconds = (long)ReplyTimeout.TotalSeconds };
            if (LibC.SetSockOpt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, &timeout, (uint)sizeof(LibC.TimeVal)) != 0)
            {
                throw Errno.ToException("setsockopt", "SO_RCVTIMEO on a netlink socket");
            }

            var address = new LibC.SockAddrNetlink { Family = LibC.AF_NETLINK };
            if (LibC.Bind(fd, &address, (uint)sizeof(LibC.SockAddrNetlink)) != 0)
            {
                throw Errno.ToException("bind", "a netlink socket");
            }

            return new NetlinkSocket(fd, (uint)Environment.TickCount);
        }
        catch
        {
            _ = LibC.Close(fd);
            throw;
        }
    }

    /// <summary>Sends a request that changes something and waits for its acknowledgement.</summary>
    public void Request(NetlinkMessageBuilder message, string operation) => Request(message, operation, static (in NetlinkMessage _) => { });

    /// <summary>
    /// Sends <paramref name="message"/> and hands each reply message (other than the final
    /// acknowledgement, error or NLMSG_DONE) to <paramref name="onReply"/>.
    /// </summary>
    public void Request(NetlinkMessageBuilder message, string operation, NetlinkReplyHandler onReply)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(fd < 0, this);
        var seq = unchecked(++sequence);
        Send(message.Complete(seq), operation);
        while (true)
        {
            var received = Receive(operation);
            foreach (var reply in NetlinkMessage.Parse(receiveBuffer.AsSpan(0, received)))
            {
                if (reply.Sequence != seq)
                {
                    // A late reply to an earlier request that timed out: not ours.
                    continue;
                }

                switch (reply.Type)
                {
                    case RtNetlink.NLMSG_ERROR:
                        var errno = reply.ReadError(out var kernelMessage);
                        if (errno != 0)
                        {
                            throw ToException(errno, operation, kernelMessage);
                        }

                        return;
                    case RtNetlink.NLMSG_DONE:
                        return;
                    case RtNetlink.NLMSG_NOOP:
                        continue;
                    default:
                        onReply(reply);
                        break;
                }
            }
        }
    }

    private void Send(ReadOnlySpan<byte> message, string operation)
    {
        fixed (byte* data = message)
        {
            nint sent;
            do
            {
                sent = LibC.Send(fd, data, (nuint)message.Length, 0);
            }
            while (sent < 0 && Errno.Last == Errno.EINTR);

            if (sent < 0)
            {
                throw Errno.ToException("netlink send", operation);
            }
        }
    }

    private int Receive(string operation)
    {
        fixed (byte* data = receiveBuffer)
        {
            nint received;
            do
            {
                received = LibC.Recv(fd, data, (nuint)receiveBuffer.Length, 0);
            }
            while (received < 0 && Errno.Last == Errno.EINTR);

            if (received < 0)
            {
                var errno = Errno.Last;
                if (errno == Errno.EAGAIN)
                {
                    throw new UnavailableException($"netlink {operation}: the kernel did not answer within {ReplyTimeout.TotalSeconds:0} s");
                }

                throw Errno.ToException(errno, "netlink receive", operation);
            }

            return (int)received;
        }
    }

    /// <summary>
    /// The typed exception for a failed netlink request: <c>netlink create bridge "br0": File
    /// exists (errno 17)</c>, with the kernel's extended-ack text after it when there is one.
    /// No such device counts as not found, and an out-of-range value as an invalid argument.
    /// </summary>
    internal static Exception ToException(int errno, string operation, string? kernelMessage)
    {
        var subject = string.IsNullOrEmpty(kernelMessage) ? operation : $"{operation} (kernel: {kernelMessage})";
        return errno switch
        {
            LibC.ENODEV => new NotFoundException($"netlink {subject}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"),
            Errno.ERANGE => new InvalidArgumentException($"netlink {subject}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"),
            _ => Errno.ToException(errno, "netlink", subject),
        };
    }

    public void Dispose()
    {
        var old = Interlocked.Exchange(ref fd, -1);
        if (old >= 0)
        {
            _ = LibC.Close(old);
        }
    }
}
