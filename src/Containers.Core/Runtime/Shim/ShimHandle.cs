using System.Globalization;
using Containers.Errors;
using Containers.Processes;

namespace Containers.Runtime.Shim;

/// <summary>
/// The owner's end of a shim: the channel it was started with. A pump reads the shim's events
/// (started, exit) and the replies to requests; when the owner process dies the channel closes,
/// which is how a die-with-owner container learns to go.
/// </summary>
internal sealed class ShimHandle : IAsyncDisposable
{
    private readonly ShimChannel channel;
    private readonly TaskCompletionSource<ExitStatus> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Reply, TaskCompletionSource<ShimMessage> Completion)> pending = [];
    private readonly Task pump;

    private ShimHandle(ShimChannel channel, int pid, int shimPid, int terminalFd)
    {
        this.channel = channel;
        Pid = pid;
        ShimPid = shimPid;
        TerminalFd = terminalFd;
        pump = Task.Run(PumpAsync);
    }

    /// <summary>The container process's host pid.</summary>
    public int Pid { get; }

    /// <summary>The monitor's pid.</summary>
    public int ShimPid { get; }

    /// <summary>The pseudo-terminal master the container made, or -1.</summary>
    public int TerminalFd { get; }

    /// <summary>Completes when the process exits, with how it ended.</summary>
    public Task<ExitStatus> Exited => exited.Task;

    /// <summary>Spawns a shim with <paramref name="plan"/> and waits until its process is set up.</summary>
    public static Task<ShimHandle> StartAsync(ShimPlan plan, int[] stdio, string what, CancellationToken cancellationToken) =>
        StartAsync(ShimLauncher.Spawn(stdio), plan, what, cancellationToken);

    /// <summary>Sends a spawned shim its plan and waits until its process is set up.</summary>
    public static async Task<ShimHandle> StartAsync(SpawnedShim shim, ShimPlan plan, string what, CancellationToken cancellationToken)
    {
        var channel = shim.Channel;
        var terminal = -1;
        try
        {
            ShimLauncher.SendPlan(shim, plan);
            while (true)
            {
                var message = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new UnavailableException($"the shim for {what} exited before the container was set up");
                if (message.Is("pty") && message.PassedFd >= 0)
                {
                    terminal = message.PassedFd;
                    continue;
                }

                if (message.IsError)
                {
                    throw new FailedPreconditionException($"{what}: {message.Argument}");
                }

                if (message.Is("created"))
                {
                    var parts = message.Argument.Split(' ');
                    return new ShimHandle(channel, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), terminal);
                }
            }
        }
        catch
        {
            channel.Dispose();
            if (terminal >= 0)
            {
                Linux.LibC.Close(terminal);
            }

            throw;
        }
        finally
        {
            // By now the first shim process has forked and gone: this wait returns at once.
            ShimLauncher.Reap(shim.Pid);
        }
    }

    /// <summary>Sends a request and waits for the reply named <paramref name="reply"/> (or an error).</summary>
    public async Task<ShimMessage> RequestAsync(string request, string reply, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<ShimMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (pending)
        {
            pending.Add((reply, completion));
        }

        try
        {
            channel.Send(request);
        }
        catch
        {
            lock (pending)
            {
                pending.Remove((reply, completion));
            }

            throw;
        }

        var message = await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return message.IsError ? throw new FailedPreconditionException(message.Argument) : message;
    }

    /// <summary>Parses the shim's <c>exit &lt;code&gt; &lt;signal&gt;</c> line (also the exit file's content).</summary>
    public static ExitStatus ParseExit(string argument)
    {
        var parts = argument.Trim().Split(' ');
        var code = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var signal = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        return signal != 0 ? ExitStatus.Killed(signal) : ExitStatus.Exited(code);
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await channel.ReceiveAsync().ConfigureAwait(false) is { } message)
            {
                if (message.PassedFd >= 0)
                {
                    Linux.LibC.Close(message.PassedFd);
                }

                if (message.Is("exit"))
                {
                    exited.TrySetResult(ParseExit(message.Argument));
                    continue;
                }

                lock (pending)
                {
                    var index = message.IsError ? (pending.Count > 0 ? 0 : -1) : pending.FindIndex(p => message.Is(p.Reply));
                    if (index >= 0)
                    {
                        pending[index].Completion.TrySetResult(message);
                        pending.RemoveAt(index);
                    }
                }
            }
        }
        catch (Exception e) when (e is ContainersException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The channel broke; the waiters below hear about it.
        }

        var gone = new UnavailableException("the container's shim exited without reporting an exit status");
        exited.TrySetException(gone);
        lock (pending)
        {
            foreach (var (_, completion) in pending)
            {
                completion.TrySetException(gone);
            }

            pending.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        channel.Shutdown();
        await pump.ConfigureAwait(false);
        channel.Dispose();
    }
}
