using System.Net.Sockets;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Oci;

/// <summary>
/// The <c>--console-socket</c> of runc and crun: a unix socket on which the runtime, having made
/// the container's pseudo-terminal, sends its master side as an SCM_RIGHTS fd.
/// </summary>
internal sealed class ConsoleSocket : IDisposable
{
    private readonly Socket listener;
    private readonly Task<int> received;
    private bool taken;

    private ConsoleSocket(string path, Socket listener)
    {
        Path = path;
        this.listener = listener;
        received = ReceiveAsync();
    }

    public string Path { get; }

    /// <summary>Listens on <paramref name="path"/>, which must not exist, and waits for the one connection.</summary>
    public static ConsoleSocket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(1);
            return new ConsoleSocket(path, socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The master fd (the caller owns it). The runtime sends it before its create or exec returns,
    /// so once that command succeeded a short wait is enough.
    /// </summary>
    public async Task<int> TakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var fd = await received.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            taken = true;
            return fd;
        }
        catch (TimeoutException e)
        {
            throw new UnavailableException($"the OCI runtime sent no terminal on {Path} within {timeout.TotalSeconds:0.#} s", e);
        }
    }

    private async Task<int> ReceiveAsync()
    {
        using var connection = await listener.AcceptAsync().ConfigureAwait(false);
        var peek = new byte[1];
        while (true)
        {
            if (await connection.ReceiveAsync(peek, SocketFlags.Peek).ConfigureAwait(false) == 0)
            {
                throw new UnavailableException($"the OCI runtime closed {Path} without sending a terminal");
            }

            var fd = TryReceiveFd((int)connection.SafeHandle.DangerousGetHandle());
            if (fd >= 0)
            {
                return fd;
            }
        }
    }

    private unsafe int TryReceiveFd(int socket)
    {
        var data = stackalloc byte[4096];
        var control = stackalloc byte[64];
        var iov = new LibC.IoVec { Base = data, Length = 4096 };
        var header = new LibC.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = 64 };
        var got = LibC.RecvMsg(socket, &header, LibC.MSG_DONTWAIT | LibC.MSG_CMSG_CLOEXEC);
        if (got < 0)
        {
            var errno = Errno.Last;
            return errno is Errno.EAGAIN or Errno.EINTR ? -1 : throw Errno.ToException(errno, "receive the terminal from", Path);
        }

        if (header.ControlLength >= (nuint)sizeof(LibC.CmsgHdr))
        {
            var cmsg = (LibC.CmsgHdr*)control;
            if (cmsg->Level == LibC.SOL_SOCKET && cmsg->Type == LibC.SCM_RIGHTS)
            {
                return *(int*)(control + sizeof(LibC.CmsgHdr));
            }
        }

        throw new UnavailableException($"the OCI runtime wrote to {Path} but passed no terminal fd");
    }

    /// <summary>Stops listening and removes the socket file; an fd received and not taken is closed.</summary>
    public void Dispose()
    {
        listener.Dispose();
        if (received.IsCompletedSuccessfully && !taken)
        {
            LibC.Close(received.Result);
        }

        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
