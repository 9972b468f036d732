using Containers.Processes;

namespace Containers.Runtime.Shim;

/// <summary>A process exec'd into a container (by the shim itself, or by runc under it), reaped by its own shim.</summary>
internal sealed class ShimExecProcess(ShimHandle handle, ProcessIo io) : ExecProcess
{
    public override int Pid => handle.Pid;

    public override ProcessIo Io => io;

    public override Task<ExitStatus> WaitAsync(CancellationToken cancellationToken = default) => handle.Exited.WaitAsync(cancellationToken);

    public override void Kill(int signal)
    {
        if (!handle.Exited.IsCompleted)
        {
            _ = handle.RequestAsync($"kill {signal}", "ok", CancellationToken.None);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await io.DisposeAsync().ConfigureAwait(false);
        await handle.DisposeAsync().ConfigureAwait(false);
    }
}
