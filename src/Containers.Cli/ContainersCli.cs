using System.CommandLine;
using Containers.Cli.Arguments;
using Containers.Cli.Commands;
using Containers.Errors;

namespace Containers.Cli;

/// <summary>The <c>containers</c> command tree. Every failure ends as one line on stderr and a non-zero exit.</summary>
internal static class ContainersCli
{
    /// <summary>Exit code for errors the user can fix (bad input, missing things).</summary>
    public const int UserError = 1;

    /// <summary>Exit code for a failure that is a bug (EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>Exit code for an interrupted run.</summary>
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var cli = new CliContext(output, error);
        (string Name, Func<Command> Create)[] commands =
        [
            .. DockerCommands.All(cli),
            ("ref", () => RefCommand.Create(output)),
            ("image", () => ImageCommand.Create(output)),
            ("layer", () => LayerCommand.Create(output)),
            ("runtime", () => RuntimeCommand.Create(output)),
            ("cluster", () => Commands.Cluster.ClusterCommand.Create(cli)),
        ];

        // Start-up is part of every `containers run`: build only the command asked for (all of
        // them when none is named, so that help lists them).
        var name = CommandLineArgs.CommandName(args, CliContext.GlobalOptionsWithValue);
        var named = name is null ? [] : Array.FindAll(commands, c => c.Name == name);
        var root = new RootCommand("containers: images, containers and orchestration with no daemon.");
        foreach (var option in cli.GlobalOptions)
        {
            root.Add(option);
        }

        foreach (var (_, create) in named.Length > 0 ? named : commands)
        {
            root.Add(create());
        }

        if (named.Length == 1 && named[0].Name is "run" or "create")
        {
            // -h is run's --hostname, as in docker; help stays --help.
            foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
            {
                help.Aliases.Remove("-h");
            }
        }

        if (named.Length == 1 && named[0].Name is "run" or "create" or "exec")
        {
            // As docker's: flags end at the first argument (the image, or the container for
            // exec); everything after it is the container's command line, flags and all.
            args = CommandLineArgs.EndOptionsAfterFirstArgument(args, root.Subcommands[0]);
        }

        // run and create fail as docker's do, with 125 for what goes wrong before the
        // container's program runs.
        var failure = named.Length == 1 && named[0].Name is "run" or "create" ? RunCommand.RunError : UserError;
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var help = name is null ? "containers --help" : $"containers {name} --help";
            await error.WriteLineAsync($"containers: {OneLine(parsed.Errors[0].Message)} (see '{help}')").ConfigureAwait(false);
            return failure;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // A foreground run passes SIGINT and SIGTERM on to its container, as docker run does,
            // and ends when the container does.
            ProcessTerminationTimeout = name == "run" ? null : TimeSpan.FromSeconds(2),
        };
        try
        {
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandExitException e)
        {
            await error.WriteLineAsync($"containers: {Describe(e.InnerException!)}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("containers: cancelled").ConfigureAwait(false);
            return Cancelled;
        }
        catch (Exception e) when (IsUserError(e))
        {
            await error.WriteLineAsync($"containers: {Describe(e)}").ConfigureAwait(false);
            return failure;
        }
        catch (Exception e)
        {
            // A bug of ours, not the user's input; still one line, never a stack trace.
            await error.WriteLineAsync($"containers: {Describe(e)}").ConfigureAwait(false);
            return InternalError;
        }
    }

    /// <summary>Whether <paramref name="e"/> is about the user's input or machine, rather than a bug of ours.</summary>
    public static bool IsUserError(Exception e) => e is ContainersException or IOException or UnauthorizedAccessException;

    /// <summary>One line for an error: its kind and message.</summary>
    public static string Describe(Exception e) => e switch
    {
        ContainersException c => $"{c.Kind}: {OneLine(c.Message)}",
        UnauthorizedAccessException => $"permission denied: {OneLine(e.Message)}",
        IOException => $"i/o error: {OneLine(e.Message)}",
        _ => $"internal error: {e.GetType().Name}: {OneLine(e.Message)}",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
