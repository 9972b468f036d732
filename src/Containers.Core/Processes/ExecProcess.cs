namespace Containers.Processes;

/// <summary>A process started in a running container by exec.</summary>
public abstract class ExecProcess : IAsyncDisposable
{
    /// <summary>The host pid of the process.</summary>
    public abstract int Pid { get; }

    /// <summary>Its stdio, as asked.</summary>
    public abstract ProcessIo Io { get; }

    /// <summary>Waits until it exits.</summary>
    public abstract Task<ExitStatus> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends it a signal.</summary>
    public abstract void Kill(int signal);

    public abstract ValueTask DisposeAsync();
}
