using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Processes;

/// <summary>
/// The fds a new container process gets as its 0, 1 and 2, and this side's streams. Made before
/// the shim is spawned; <see cref="CloseChildEnds"/> afterwards, so EOF reaches the readers.
/// </summary>
internal sealed unsafe class StdioPlumbing
{
    private readonly List<int> childEnds = [];
    private Stream? input;
    private Stream? output;
    private Stream? error;

    private StdioPlumbing(StdioMode mode) => Mode = mode;

    public StdioMode Mode { get; }

    /// <summary>The fds for the shim's 0, 1 and 2.</summary>
    public int[] ChildFds { get; } = new int[3];

    public static StdioPlumbing Create(StdioMode mode)
    {
        var plumbing = new StdioPlumbing(mode);
        switch (mode)
        {
            case StdioMode.Inherit:
                plumbing.ChildFds[0] = 0;
                plumbing.ChildFds[1] = 1;
                plumbing.ChildFds[2] = 2;
                break;
            case StdioMode.Pipes:
                plumbing.input = plumbing.Pipe(0, childReads: true);
                plumbing.output = plumbing.Pipe(1, childReads: false);
                plumbing.error = plumbing.Pipe(2, childReads: false);
                break;
            default:
                // Null, and Terminal until the container's own pty replaces it.
                var devNull = LibC.Open("/dev/null", 2 | LibC.O_CLOEXEC, 0);
                if (devNull < 0)
                {
                    throw Errno.ToException("open", "/dev/null");
                }

                plumbing.childEnds.Add(devNull);
                plumbing.ChildFds[0] = plumbing.ChildFds[1] = plumbing.ChildFds[2] = devNull;
                break;
        }

        return plumbing;
    }

    /// <summary>This side's streams; with a terminal, its master fd becomes <see cref="ProcessIo.Terminal"/>.</summary>
    public ProcessIo TakeIo(int terminalFd)
    {
        if (terminalFd >= 0)
        {
            return new ProcessIo(null, null, null, OpenStream(terminalFd, FileAccess.ReadWrite));
        }

        return input is null && output is null && error is null ? ProcessIo.None : new ProcessIo(input, output, error);
    }

    public void CloseChildEnds()
    {
        foreach (var fd in childEnds)
        {
            LibC.Close(fd);
        }

        childEnds.Clear();
    }

    /// <summary>Closes everything, this side's streams too (after a failed create).</summary>
    public void Abandon()
    {
        CloseChildEnds();
        input?.Dispose();
        output?.Dispose();
        error?.Dispose();
    }

    private FileStream Pipe(int slot, bool childReads)
    {
        var fds = stackalloc int[2];
        if (LibC.Pipe2(fds, LibC.O_CLOEXEC) != 0)
        {
            throw Errno.ToException("pipe2", "the container's stdio");
        }

        var (childEnd, ourEnd) = childReads ? (fds[0], fds[1]) : (fds[1], fds[0]);
        childEnds.Add(childEnd);
        ChildFds[slot] = childEnd;
        return OpenStream(ourEnd, childReads ? FileAccess.Write : FileAccess.Read);
    }

    private static FileStream OpenStream(int fd, FileAccess access) =>
        new(new SafeFileHandle(fd, ownsHandle: true), access, bufferSize: 0);
}
