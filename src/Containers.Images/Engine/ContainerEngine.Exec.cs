using System.Text;
using Containers.Errors;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Spec;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    /// <summary>
    /// Runs a command in a running container and returns its exit code and output, as
    /// <c>docker exec</c> does without <c>-i</c>: its stdin reads end-of-file. With
    /// <see cref="ExecSpec.Tty"/>, it gets a terminal and all its output is in <see cref="ExecResult.Stdout"/>.
    /// Cancelling kills it.
    /// </summary>
    /// <exception cref="ConflictException">The container is not running, or is paused.</exception>
    /// <exception cref="InvalidArgumentException">The command is empty, or the user or working directory is not valid.</exception>
    public async Task<ExecResult> ExecAsync(string idOrName, ExecSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var process = await StartExecAsync(idOrName, spec, spec.Tty ? StdioMode.Terminal : StdioMode.Pipes, cancellationToken).ConfigureAwait(false);
        await using (process.ConfigureAwait(false))
        {
            try
            {
                var io = process.Io;
                if (io.StandardInput is { } stdin)
                {
                    await stdin.DisposeAsync().ConfigureAwait(false);
                }

                var stdout = ReadAllAsync(io.Terminal ?? io.StandardOutput, cancellationToken);
                var stderr = ReadAllAsync(io.StandardError, cancellationToken);
                var status = await process.WaitAsync(cancellationToken).ConfigureAwait(false);
                return new ExecResult(status.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
        }
    }

    /// <summary>
    /// Starts a command in a running container with its stdio wired as <paramref name="stdio"/> asks,
    /// as <c>docker exec -it</c> does, and returns the process. Its env is the container's with
    /// <see cref="ExecSpec.Env"/> over it, its user and working directory the container's unless
    /// the spec gives them; a user name resolves in the container's <c>/etc/passwd</c>.
    /// </summary>
    /// <exception cref="ConflictException">The container is not running, or is paused.</exception>
    /// <exception cref="InvalidArgumentException">The command is empty, the user or working directory is not valid, or a terminal is asked for without <see cref="StdioMode.Terminal"/>.</exception>
    public async Task<ContainerExecProcess> StartExecAsync(string idOrName, ExecSpec spec, StdioMode stdio = StdioMode.Pipes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Cmd is not { Count: > 0 } || spec.Cmd[0].Length == 0)
        {
            throw new InvalidArgumentException("exec needs a command: give at least the program to run");
        }

        if (spec.Tty && stdio != StdioMode.Terminal)
        {
            throw new InvalidArgumentException($"an exec with a terminal needs StdioMode.Terminal, not {stdio}");
        }

        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        var status = await StatusAsync(entry, cancellationToken).ConfigureAwait(false);
        if (status != ContainerStatus.Running)
        {
            throw new ConflictException(status == ContainerStatus.Paused
                ? $"container {entry.Record.Name} ({entry.Record.Id[..12]}) is paused; resume it before exec"
                : $"container {entry.Record.Name} ({entry.Record.Id[..12]}) is not running; start it before exec");
        }

        var oci = await OciSpecs.LoadAsync(entry.Directory, cancellationToken).ConfigureAwait(false);
        var process = ExecProcessSpec(oci, spec, Path.Combine(entry.Directory, RootfsDir), stdio == StdioMode.Terminal);
        try
        {
            var started = await _runtime.ExecAsync(entry.Record.Id, process, stdio, cancellationToken).ConfigureAwait(false);
            Log.Exec(_logger, entry.Record.Id, spec.Cmd[0], started.Pid);
            return new ContainerExecProcess(entry.Record.Id, started);
        }
        catch (FailedPreconditionException error)
        {
            if (await StatusAsync(entry, CancellationToken.None).ConfigureAwait(false) == ContainerStatus.Running)
            {
                // The exec itself failed (exec: "x": executable file not found): that is the error.
                throw;
            }

            // It stopped between the check and the exec.
            throw new ConflictException($"container {entry.Record.Name} ({entry.Record.Id[..12]}) is not running; start it before exec", error);
        }
    }

    /// <summary>The exec's process: the container's, with the exec's command, env, working directory, user and terminal, as Docker builds it.</summary>
    private static OciProcess ExecProcessSpec(OciSpec container, ExecSpec exec, string rootfs, bool terminal)
    {
        var process = container.Process ?? throw new InvalidArgumentException("the container's spec has no process");
        var user = process.User;
        var home = "/";
        if (exec.User is not null)
        {
            var resolved = ImageConfigMerge.ResolveUser(exec.User, RootfsFiles.ReadText(rootfs, "/etc/passwd"), RootfsFiles.ReadText(rootfs, "/etc/group"));
            user = new OciUser { Uid = resolved.Uid, Gid = resolved.Gid, AdditionalGids = resolved.AdditionalGids.Count > 0 ? resolved.AdditionalGids : null };
            home = resolved.Home;
        }

        var bounding = process.Capabilities?.Bounding ?? [];
        var overrides = terminal && !(process.Env ?? []).Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)) ? ["TERM=xterm", .. exec.Env] : exec.Env;
        return process with
        {
            Terminal = terminal,
            ConsoleSize = null,
            Args = exec.Cmd,
            Env = ImageConfigMerge.Env(process.Env, overrides, container.Hostname ?? "", home),
            Cwd = exec.WorkingDir is null ? process.Cwd : ImageConfigMerge.WorkingDir(null, exec.WorkingDir),
            User = user,
            // As for the container's own process: a non-root user starts with no effective capabilities.
            Capabilities = exec.User is null ? process.Capabilities : new OciCapabilities
            {
                Bounding = bounding,
                Effective = user.Uid == 0 ? bounding : [],
                Permitted = user.Uid == 0 ? bounding : [],
            },
        };
    }

    private static async Task<string> ReadAllAsync(Stream? stream, CancellationToken cancellationToken)
    {
        if (stream is null)
        {
            return "";
        }

        var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A terminal's master reads EIO once the last process holding its other side has gone.
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
