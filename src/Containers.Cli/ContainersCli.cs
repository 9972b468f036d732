using System.CommandLine;
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
        (string Name, Func<Command> Create)[] commands =
        [
            ("ref", () => RefCommand.Create(output)),
            ("image", () => ImageCommand.Create(output)),
            ("layer", () => LayerCommand.Create(output)),
            ("runtime", () => RuntimeCommand.Create(output)),
        ];

        // Start-up is part of every `containers runtime run`: build only the command asked for
        // (all of them when none is named, so that help lists them).
        var named = args.Length > 0 ? Array.FindAll(commands, c => c.Name == args[0]) : [];
        var root = new RootCommand("containers: images, containers and orchestration with no daemon.");
        foreach (var (_, create) in named.Length > 0 ? named : commands)
        {
            root.Add(create());
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("containers: cancelled").ConfigureAwait(false);
            return Cancelled;
        }
        catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"containers: {Describe(e)}").ConfigureAwait(false);
            return UserError;
        }
        catch (Exception e)
        {
            // A bug of ours, not the user's input; still one line, never a stack trace.
            await error.WriteLineAsync($"containers: internal error: {e.GetType().Name}: {OneLine(e.Message)}").ConfigureAwait(false);
            return InternalError;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        ContainersException c => $"{c.Kind}: {OneLine(c.Message)}",
        UnauthorizedAccessException => $"permission denied: {OneLine(e.Message)}",
        _ => $"i/o error: {OneLine(e.Message)}",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
