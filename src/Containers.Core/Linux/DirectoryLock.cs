using System.Runtime.InteropServices;

namespace Containers.Linux;

/// <summary>
/// An exclusive <c>flock</c> on a directory, held until disposed. It serializes writers of the
/// same state across threads and processes without adding a lock file to the directory.
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
    private int _fd;

    private DirectoryLock(int fd) => _fd = fd;

    /// <summary>Waits for the lock; polls without blocking a thread so cancellation works.</summary>
    public static async ValueTask<DirectoryLock> AcquireAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var fd = LibC.Open(directory, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Errno.ToException("open", $"directory \"{directory}\" to lock it");
        }

        try
        {
            while (LibC.Flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
            {
                if (Marshal.GetLastPInvokeError() != LibC.EWOULDBLOCK)
                {
                    throw Errno.ToException("flock", $"directory \"{directory}\"");
                }

                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            }

            return new DirectoryLock(fd);
        }
        catch
        {
            _ = LibC.Close(fd);
            throw;
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            // Closing the descriptor releases the flock.
            _ = LibC.Close(fd);
        }
    }
}
