using Containers.Processes;
using Containers.Runtime.Shim;

namespace Containers.Runtime.Oci;

/// <summary>A process <c>runc exec</c> started in a container, reaped by our shim.</summary>
internal sealed class OciCliExecProcess(ShimHandle handle, ProcessIo io) : ExecProcess
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
