using System.Runtime.InteropServices;

namespace Containers.Cli;

/// <summary>The few libc calls the CLI makes itself: to detach a helper process, to signal one, and to take back an ignored signal.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    private const int ReadWrite = 2;

    /// <summary>Makes this process the leader of a new session, with no controlling terminal, and points its stdio at /dev/null.</summary>
    public static void Detach()
    {
        var devNull = Open("/dev/null", ReadWrite);
        if (devNull < 0)
        {
            throw new IOException($"cannot open /dev/null (errno {Marshal.GetLastPInvokeError()})");
        }

        for (var fd = 0; fd < 3; fd++)
        {
            _ = Dup2(devNull, fd);
        }

        if (devNull > 2)
        {
            _ = Close(devNull);
        }

        // Fails only for a process group leader, which a freshly started child is not.
        _ = SetSid();
    }

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when there is no such process.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>
    /// Sets <paramref name="signal"/> back to its default action if this process was started with
    /// it ignored (a background job of a script ignores SIGINT and SIGQUIT, nohup SIGHUP). .NET
    /// leaves an ignored SIGINT or SIGQUIT ignored even when a handler is registered, so a signal
    /// meant for the container would be lost; Go's signal.Notify, and so docker, take it back too.
    /// Call it before registering the handler.
    /// </summary>
    public static unsafe void Unignore(int signal)
    {
        // glibc's struct sigaction starts with the handler; 256 bytes cover it on every Linux ABI.
        var action = stackalloc nint[32];
        if (SigAction(signal, null, action) == 0 && action[0] == SigIgn)
        {
            _ = SignalHandler(signal, SigDfl);
        }
    }

    private const nint SigDfl = 0;

    private const nint SigIgn = 1;

    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static unsafe partial int SigAction(int signal, nint* action, nint* oldAction);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SignalHandler(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static partial int SetSid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
