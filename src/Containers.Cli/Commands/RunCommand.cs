using System.CommandLine;
using System.Runtime.InteropServices;
using Containers.Cli.Arguments;
using Containers.Errors;
using Containers.Images.Engine;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers run</c> and <c>containers create</c>, as docker's. In the foreground, run streams
/// the container's output as it comes, passes SIGINT, SIGTERM, SIGHUP and SIGQUIT on to it, and
/// exits with its exit code; a <c>--rm</c> container dies with this process. Detached (<c>-d</c>),
/// and for create, the container outlives the command, which prints its id.
/// </summary>
internal static class RunCommand
{
    /// <summary>docker's exit code when run fails before the container's program starts.</summary>
    public const int RunError = 125;

    /// <summary>The program exists but cannot be run.</summary>
    public const int CannotRun = 126;

    /// <summary>The program does not exist.</summary>
    public const int NotFound = 127;

    /// <summary>The signals a foreground run passes on, with their numbers (PosixSignal's values are not).</summary>
    private static readonly (PosixSignal Signal, int Number)[] Forwarded =
        [(PosixSignal.SIGHUP, 1), (PosixSignal.SIGINT, 2), (PosixSignal.SIGQUIT, 3), (PosixSignal.SIGTERM, 15)];

    public static Command Run(CliContext cli)
    {
        var options = new ContainerOptions();
        var detach = new Option<bool>("--detach", "-d") { Description = "Run in the background and print the container's id" };
        var command = new Command("run", "Create and start a container from an image; in the foreground, show its output and exit with its exit code");
        command.Add(detach);
        options.AddTo(command);
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var settings = await ParseAsync(options, result, cancellationToken).ConfigureAwait(false);
            var detached = result.GetValue(detach);
            // A foreground --rm container dies with this command, and nothing of it is left if the
            // command is killed; any other outlives it, as docker's do (ps -a, logs and commit
            // find it after).
            var dieWithEngine = !detached && settings.Spec.AutoRemove;
            var (engine, created) = await CreateAsync(session, () => session.OpenEngine(dieWithEngine), settings, cancellationToken).ConfigureAwait(false);
            if (detached)
            {
                await StartAsync(engine, created, cancellationToken).ConfigureAwait(false);
                try
                {
                    // Its ports, and its removal with --rm, must outlive this command, as the container does.
                    await ContainerSupervisor.HandOverAsync(session, [created.Id], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (ContainersCli.IsUserError(e))
                {
                    throw new CommandExitException(RunError, e);
                }

                await cli.Output.WriteLineAsync(created.Id).ConfigureAwait(false);
                return 0;
            }

            // Taken before start: with --rm the container is gone by the time it could be asked.
            var exited = engine.WaitAsync(created.Id, CancellationToken.None);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var (_, number) in Forwarded)
            {
                Posix.Unignore(number);
            }

            var forwarders = Forwarded.Select(forward => PosixSignalRegistration.Create(forward.Signal, context =>
            {
                context.Cancel = true;
                _ = ForwardAsync(engine, created.Id, forward.Number, started.Task, cli.Error);
            })).ToArray();
            try
            {
                var output = CopyOutputAsync(engine, created.Id, cli.Output, cli.Error, CancellationToken.None);
                try
                {
                    await StartAsync(engine, created, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    started.TrySetResult();
                }

                await output.ConfigureAwait(false);
                return (await exited.ConfigureAwait(false)).ExitCode;
            }
            finally
            {
                foreach (var forwarder in forwarders)
                {
                    forwarder.Dispose();
                }
            }
        });
        return command;
    }

    public static Command Create(CliContext cli)
    {
        var options = new ContainerOptions();
        var command = new Command("create", "Create a container from an image, to be started with start; prints its id");
        options.AddTo(command);
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var settings = await ParseAsync(options, result, cancellationToken).ConfigureAwait(false);
            var (_, created) = await CreateAsync(session, () => session.Engine, settings, cancellationToken).ConfigureAwait(false);
            await cli.Output.WriteLineAsync(created.Id).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>Copies the container's log to stdout and stderr as it is written, until its output ends.</summary>
    public static async Task CopyOutputAsync(ContainerEngine engine, string id, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        await foreach (var entry in engine.LogsAsync(id, follow: true, cancellationToken).ConfigureAwait(false))
        {
            var target = entry.Source == LogSource.Stderr ? stderr : stdout;
            await target.WriteAsync(entry.Text).ConfigureAwait(false);
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<ContainerSettings> ParseAsync(ContainerOptions options, ParseResult result, CancellationToken cancellationToken)
    {
        try
        {
            return await options.ParseAsync(result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ContainersCli.IsUserError(e))
        {
            throw new CommandExitException(RunError, e);
        }
    }

    /// <summary>
    /// Opens the engine and looks the image up at once (each is mostly waiting on files: start-up
    /// is most of a short run), then creates the container.
    /// </summary>
    private static async Task<(ContainerEngine Engine, ContainerInfo Created)> CreateAsync(LocalSession session, Func<ContainerEngine> openEngine, ContainerSettings settings, CancellationToken cancellationToken)
    {
        var opening = Task.Run(openEngine, CancellationToken.None);
        try
        {
            var image = await session.ResolveImageAsync(settings.ImageName, cancellationToken).ConfigureAwait(false);
            var engine = await opening.ConfigureAwait(false);
            return (engine, await engine.CreateAsync(settings.ToSpec(image), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (ContainersCli.IsUserError(e))
        {
            throw new CommandExitException(ExitCodeOf(e), e);
        }
        finally
        {
            // Opened either way, so that the session disposes it.
            await ((Task)opening).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task StartAsync(ContainerEngine engine, ContainerInfo created, CancellationToken cancellationToken)
    {
        try
        {
            await engine.StartAsync(created.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ContainersCli.IsUserError(e))
        {
            await engine.RemoveAsync(created.Id, force: true, CancellationToken.None).ConfigureAwait(false);
            throw new CommandExitException(ExitCodeOf(e), e);
        }
    }

    /// <summary>
    /// 126 or 127 when the runtime reports that the program cannot be run or is missing, as docker
    /// maps them (for run and exec); <paramref name="otherwise"/> for any other failure.
    /// </summary>
    internal static int ExitCodeOf(Exception e, int otherwise = RunError)
    {
        var message = e.Message;
        if (!message.Contains("exec", StringComparison.OrdinalIgnoreCase))
        {
            return otherwise;
        }

        if (message.Contains("not found", StringComparison.OrdinalIgnoreCase) || message.Contains("no such file", StringComparison.OrdinalIgnoreCase))
        {
            return NotFound;
        }

        return message.Contains("permission denied", StringComparison.OrdinalIgnoreCase) || message.Contains("is a directory", StringComparison.OrdinalIgnoreCase)
            ? CannotRun
            : otherwise;
    }

    /// <summary>
    /// Passes a signal on once the start has finished: one that comes while the container starts
    /// (its output can be seen before the start returns) is not lost.
    /// </summary>
    private static async Task ForwardAsync(ContainerEngine engine, string id, int signal, Task started, TextWriter stderr)
    {
        await started.ConfigureAwait(false);
        try
        {
            await engine.KillAsync(id, signal).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConflictException or NotFoundException)
        {
            // It has stopped, or its start failed: nothing to pass the signal on to.
        }
        catch (Exception e)
        {
            // Nobody awaits this: say why the container did not get the signal.
            await stderr.WriteLineAsync($"containers: signal {signal} was not passed on to container {id[..12]}: {e.Message}").ConfigureAwait(false);
        }
    }
}
