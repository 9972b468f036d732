using System.CommandLine;

namespace Containers.Cli;

/// <summary>
/// What the docker-shaped commands of one invocation share: where they print, and the global
/// <c>--root</c> that places the engine, the image store and the content store.
/// </summary>
internal sealed class CliContext(TextWriter output, TextWriter error)
{
    /// <summary>The global options that take a value, so that the command's name can be found after them.</summary>
    public static readonly string[] GlobalOptionsWithValue = ["--root"];

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public Option<string?> Root { get; } = new("--root")
    {
        Description = $"The state directory: containers, snapshots, images and their content (default: ${ContainersPaths.RootVariable}, else {ContainersPaths.DefaultRoot})",
        Recursive = true,
    };

    /// <summary>Opens the state under the root the command line names; the caller disposes it.</summary>
    public LocalSession OpenSession(ParseResult result) => new(result.GetValue(Root) ?? ContainersPaths.DefaultRoot);

    /// <summary>Sets <paramref name="command"/>'s action to run <paramref name="action"/> with a session that is disposed after it.</summary>
    public void SetAction(Command command, Func<ParseResult, LocalSession, CancellationToken, Task<int>> action) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            var session = OpenSession(result);
            await using (session.ConfigureAwait(false))
            {
                return await action(result, session, cancellationToken).ConfigureAwait(false);
            }
        });
}
