using Containers.Processes;

namespace Containers.Images.Engine;

/// <summary>
/// A process started in a container by <see cref="ContainerEngine.StartExecAsync"/> (<c>docker exec -it</c>):
/// its stdio as asked, its exit, and signals. Disposing closes this side's streams; the process
/// itself ends with its program or its container.
/// </summary>
public sealed class ContainerExecProcess : IAsyncDisposable
{
    private readonly ExecProcess _process;

    internal ContainerExecProcess(string containerId, ExecProcess process)
    {
        ContainerId = containerId;
        _process = process;
    }

    /// <summary>The 64-hex id of the container it runs in.</summary>
    public string ContainerId { get; }

    /// <summary>Its host pid.</summary>
    public int Pid => _process.Pid;

    /// <summary>
    /// Its stdio: with <see cref="StdioMode.Pipes"/> the three streams (dispose stdin to send
    /// end-of-file), with <see cref="StdioMode.Terminal"/> the terminal's master side.
    /// </summary>
    public ProcessIo Io => _process.Io;

    /// <summary>Waits until it exits.</summary>
    public Task<ExitStatus> WaitAsync(CancellationToken cancellationToken = default) => _process.WaitAsync(cancellationToken);

    /// <summary>Sends it <paramref name="signal"/> (SIGKILL by default).</summary>
    public void Kill(int signal = 9) => _process.Kill(signal);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
