using System.Runtime.InteropServices;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Networking;

/// <summary>
/// An open network namespace (<c>/proc/&lt;pid&gt;/ns/net</c> or a bind mount of one). Its fd
/// goes into IFLA_NET_NS_FD, and <see cref="RunAsync{T}"/> runs work inside it on a dedicated
/// thread, never on a pool thread: setns changes only the calling thread, so the thread joins
/// the namespace, works, switches back, and ends.
/// </summary>
internal sealed class NetworkNamespaceHandle : IDisposable
{
    private const string ThreadNamespace = "/proc/thread-self/ns/net";
    private int fd;

    private NetworkNamespaceHandle(string path, int fd)
    {
        Path = path;
        this.fd = fd;
    }

    public string Path { get; }

    public int Fd => fd >= 0 ? fd : throw new ObjectDisposedException(nameof(NetworkNamespaceHandle));

    /// <summary>Opens the namespace at <paramref name="path"/>; <see cref="NotFoundException"/> when there is none.</summary>
    public static NetworkNamespaceHandle Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Errno.Last;
            if (errno is Errno.ENOENT or Errno.ESRCH)
            {
                throw new NotFoundException($"network namespace \"{path}\" does not exist; is the container's process still running?");
            }

            throw Errno.ToException(errno, "open", $"network namespace \"{path}\"");
        }

        return new NetworkNamespaceHandle(path, fd);
    }

    /// <summary>The namespace of process <paramref name="pid"/>.</summary>
    public static NetworkNamespaceHandle OfProcess(int pid) =>
        pid > 0 ? Open($"/proc/{pid}/ns/net") : throw new InvalidArgumentException($"process id {pid} is not a process");

    /// <summary>
    /// Runs <paramref name="work"/> on a new thread that has joined this namespace; a netlink
    /// socket it opens stays in the namespace. <see cref="InvalidArgumentException"/> when the
    /// path is not a network namespace.
    /// </summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        var target = Fd;
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(RunInside(target, work));
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "netns",
        };
        thread.Start();
        return completion.Task;
    }

    private T RunInside<T>(int target, Func<T> work)
    {
        var original = LibC.Open(ThreadNamespace, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (original < 0)
        {
            throw Errno.ToException("open", ThreadNamespace);
        }

        try
        {
            if (LibC.SetNs(target, LibC.CLONE_NEWNET) != 0)
            {
                var errno = Errno.Last;
                if (errno == Errno.EINVAL)
                {
                    throw new InvalidArgumentException($"\"{Path}\" is not a network namespace");
                }

                throw Errno.ToException(errno, "setns", $"network namespace \"{Path}\"");
            }

            try
            {
                return work();
            }
            finally
            {
                // The thread ends right after this either way; switching back keeps anything the
                // runtime still does on it (its own teardown) in the process's namespace.
                _ = LibC.SetNs(original, LibC.CLONE_NEWNET);
            }
        }
        finally
        {
            _ = LibC.Close(original);
        }
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
