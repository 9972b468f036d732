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
        var root = new RootCommand("containers: images, containers and orchestration with no daemon.")
        {
            RefCommand.Create(output),
            ImageCommand.Create(output),
            LayerCommand.Create(output),
            RuntimeCommand.Create(output),
        };

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
