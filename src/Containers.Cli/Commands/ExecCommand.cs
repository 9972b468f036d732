using System.CommandLine;
using Containers.Cli.Arguments;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Processes;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers exec</c>: another process in a running container, as docker's. Its output comes
/// here as it is written and this command exits with its exit code (126 or 127 when the program
/// cannot be run or is not there). <c>-i</c> passes this command's stdin on; <c>-t</c> gives it this
/// terminal; <c>-d</c> starts it and returns.
/// </summary>
internal static class ExecCommand
{
    public static Command Create(CliContext cli)
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Start the process and return" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set a variable, KEY=value, or pass KEY from this shell's environment (repeatable)" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "The working directory inside the container (default: the container's)" };
        var user = new Option<string?>("--user", "-u") { Description = "name, name:group, uid or uid:gid (default: the container's)" };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Pass this command's stdin on to the process" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Give the process this terminal" };
        var container = new Argument<string>("container") { Description = "The container: id, unique id prefix or name" };
        var command = new Argument<string[]>("command") { Description = "The program and its arguments", Arity = ArgumentArity.OneOrMore };
        var exec = new Command("exec", "Run a command in a running container") { detach, env, workdir, user, interactive, tty, container, command };
        cli.SetAction(exec, async (result, session, cancellationToken) =>
        {
            var terminal = result.GetValue(tty);
            if (terminal && Console.IsInputRedirected)
            {
                throw new InvalidArgumentException("the input device is not a terminal; leave out -t");
            }

            var variables = await EnvironmentArguments.ReadAsync([], result.GetValue(env) ?? [], cancellationToken).ConfigureAwait(false);
            var spec = new ExecSpec(result.GetRequiredValue(command))
            {
                // This terminal is handed over as it is, so the process is told what it is.
                Env = terminal && !variables.Any(v => v.StartsWith("TERM=", StringComparison.Ordinal)) ? [$"TERM={Environment.GetEnvironmentVariable("TERM") ?? "xterm"}", .. variables] : variables,
                WorkingDir = result.GetValue(workdir),
                User = result.GetValue(user),
            };
            var stdio = result.GetValue(detach) ? StdioMode.Null : terminal ? StdioMode.Inherit : StdioMode.Pipes;
            ContainerExecProcess process;
            try
            {
                process = await session.Engine.StartExecAsync(result.GetRequiredValue(container), spec, stdio, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ContainersCli.IsUserError(e) && RunCommand.ExitCodeOf(e, 0) != 0)
            {
                throw new CommandExitException(RunCommand.ExitCodeOf(e), e);
            }

            await using (process.ConfigureAwait(false))
            {
                if (stdio == StdioMode.Null)
                {
                    return 0;
                }

                try
                {
                    var copies = new List<Task>
                    {
                        CopyTextAsync(process.Io.StandardOutput, cli.Output, cancellationToken),
                        CopyTextAsync(process.Io.StandardError, cli.Error, cancellationToken),
                    };
                    if (process.Io.StandardInput is { } stdin)
                    {
                        if (result.GetValue(interactive))
                        {
                            _ = PassStdinAsync(stdin, cancellationToken);
                        }
                        else
                        {
                            // As docker's without -i: the process reads end-of-file.
                            await stdin.DisposeAsync().ConfigureAwait(false);
                        }
                    }

                    var status = await process.WaitAsync(cancellationToken).ConfigureAwait(false);
                    await Task.WhenAll(copies).ConfigureAwait(false);
                    return status.ExitCode;
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                    throw;
                }
            }
        });
        return exec;
    }

    /// <summary>Copies a process's output to a writer as it comes, decoding UTF-8 across reads.</summary>
    private static async Task CopyTextAsync(Stream? source, TextWriter target, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return;
        }

        using var reader = new StreamReader(source, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Passes this command's stdin on until it ends, then closes the process's.</summary>
    private static async Task PassStdinAsync(Stream target, CancellationToken cancellationToken)
    {
        try
        {
            await using var stdin = Console.OpenStandardInput();
            await stdin.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The process exited, or this command is ending.
        }
        finally
        {
            await target.DisposeAsync().ConfigureAwait(false);
        }
    }
}
