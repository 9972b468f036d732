using System.CommandLine;
using Containers.Runtime.Spec;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>start</c>, <c>stop</c>, <c>restart</c>, <c>kill</c>, <c>rm</c> and <c>wait</c>: each takes one or
/// more containers (id, id prefix or name), acts on each in turn and, as docker does, prints what it
/// was given for each success and one line on stderr for each failure, exiting 1 if any failed.
/// </summary>
internal static class LifecycleCommands
{
    public static Command Start(CliContext cli)
    {
        var containers = ContainersArgument();
        var command = new Command("start", "Start created or stopped containers") { containers };
        cli.SetAction(command, (result, session, cancellationToken) =>
            StartEachAsync(cli, session, result.GetRequiredValue(containers), (engine, id) => engine.StartAsync(id, cancellationToken), cancellationToken));
        return command;
    }

    public static Command Restart(CliContext cli)
    {
        var time = TimeOption();
        var containers = ContainersArgument();
        var command = new Command("restart", "Stop containers (as stop does) and start them again") { time, containers };
        cli.SetAction(command, (result, session, cancellationToken) =>
            StartEachAsync(cli, session, result.GetRequiredValue(containers), (engine, id) => engine.RestartAsync(id, Grace(result, time), cancellationToken), cancellationToken));
        return command;
    }

    public static Command Stop(CliContext cli)
    {
        var time = TimeOption();
        var containers = ContainersArgument();
        var command = new Command("stop", "Stop running containers: the stop signal, then SIGKILL after the grace period") { time, containers };
        cli.SetAction(command, (result, session, cancellationToken) =>
            ForEachAsync(cli, result.GetRequiredValue(containers), async id =>
            {
                var full = (await session.Engine.InspectAsync(id, cancellationToken).ConfigureAwait(false)).Id;
                await session.Engine.StopAsync(full, Grace(result, time), cancellationToken).ConfigureAwait(false);
                // Its supervisor ends with it (removing an --rm one); wait for that, so that stop returns with nothing of it left.
                await ContainerSupervisor.StopAsync(session.Root, full, letItFinish: true, cancellationToken).ConfigureAwait(false);
            }));
        return command;
    }

    public static Command Kill(CliContext cli)
    {
        var signal = new Option<string>("--signal", "-s") { Description = "A signal name (TERM, SIGHUP) or number", DefaultValueFactory = _ => "KILL" };
        var containers = ContainersArgument();
        var command = new Command("kill", "Send a signal (SIGKILL by default) to running containers") { signal, containers };
        cli.SetAction(command, (result, session, cancellationToken) =>
        {
            var number = Signals.Parse(result.GetRequiredValue(signal));
            return ForEachAsync(cli, result.GetRequiredValue(containers), id => session.Engine.KillAsync(id, number, cancellationToken));
        });
        return command;
    }

    public static Command Remove(CliContext cli)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Kill and remove running containers too" };
        var containers = ContainersArgument();
        var command = new Command("rm", "Remove containers and everything they had: rootfs, writable layer, log") { force, containers };
        cli.SetAction(command, (result, session, cancellationToken) =>
            ForEachAsync(cli, result.GetRequiredValue(containers), async id =>
            {
                var full = (await session.Engine.InspectAsync(id, cancellationToken).ConfigureAwait(false)).Id;
                await session.Engine.RemoveAsync(full, result.GetValue(force), cancellationToken).ConfigureAwait(false);
                // A detached container's supervisor, and its published ports, go with it.
                await ContainerSupervisor.StopAsync(session.Root, full, letItFinish: true, cancellationToken).ConfigureAwait(false);
            }));
        return command;
    }

    public static Command Wait(CliContext cli)
    {
        var containers = ContainersArgument();
        var command = new Command("wait", "Wait until containers stop, and print their exit codes") { containers };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var failed = false;
            foreach (var id in result.GetRequiredValue(containers))
            {
                try
                {
                    var status = await session.Engine.WaitAsync(id, cancellationToken).ConfigureAwait(false);
                    await cli.Output.WriteLineAsync(status.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
                }
                catch (Exception e) when (ContainersCli.IsUserError(e))
                {
                    await cli.Error.WriteLineAsync($"containers: {ContainersCli.Describe(e)}").ConfigureAwait(false);
                    failed = true;
                }
            }

            return failed ? ContainersCli.UserError : 0;
        });
        return command;
    }

    /// <summary>
    /// Starts each container with <paramref name="start"/> (on the session's engine, whose containers
    /// outlive this command), then hands them to supervisors, as run -d does.
    /// </summary>
    private static async Task<int> StartEachAsync(CliContext cli, LocalSession session, IEnumerable<string> containers, Func<Images.Engine.ContainerEngine, string, Task> start, CancellationToken cancellationToken)
    {
        var engine = session.Engine;
        var started = new List<string>();
        var code = await ForEachAsync(cli, containers, async id =>
        {
            var full = (await engine.InspectAsync(id, cancellationToken).ConfigureAwait(false)).Id;
            // An old supervisor would hold the ports the start publishes again, or remove the container the restart stops.
            await ContainerSupervisor.StopAsync(session.Root, full, letItFinish: false, cancellationToken).ConfigureAwait(false);
            await start(engine, full).ConfigureAwait(false);
            started.Add(full);
        }).ConfigureAwait(false);
        await ContainerSupervisor.HandOverAsync(session, started, cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>One or more containers, by id, id prefix or name.</summary>
    internal static Argument<string[]> ContainersArgument() => new("container") { Description = "Containers: ids, unique id prefixes or names", Arity = ArgumentArity.OneOrMore };

    /// <summary><c>--time/-t</c>: the grace period of stop and restart, in seconds.</summary>
    internal static Option<int> TimeOption() => new("--time", "-t") { Description = "Seconds to wait for the container to stop before killing it", DefaultValueFactory = _ => 10 };

    internal static TimeSpan Grace(ParseResult result, Option<int> time) => TimeSpan.FromSeconds(Math.Max(0, result.GetValue(time)));

    /// <summary>Runs <paramref name="act"/> on each container; prints the name given for each success, a line on stderr for each failure.</summary>
    internal static async Task<int> ForEachAsync(CliContext cli, IEnumerable<string> containers, Func<string, Task> act)
    {
        var failed = false;
        foreach (var id in containers)
        {
            try
            {
                await act(id).ConfigureAwait(false);
                await cli.Output.WriteLineAsync(id).ConfigureAwait(false);
            }
            catch (Exception e) when (ContainersCli.IsUserError(e))
            {
                await cli.Error.WriteLineAsync($"containers: {ContainersCli.Describe(e)}").ConfigureAwait(false);
                failed = true;
            }
        }

        return failed ? ContainersCli.UserError : 0;
    }
}
