using System.CommandLine;
using Containers.Images;
using Containers.Images.Engine;

namespace Containers.Cli.Commands;

/// <summary><c>containers commit</c>: a container's changes become a new image layer, as docker's; prints the new image's ID.</summary>
internal static class CommitCommand
{
    public static Command Create(CliContext cli)
    {
        var message = new Option<string?>("--message", "-m") { Description = "The history comment" };
        var author = new Option<string?>("--author", "-a") { Description = "The author (\"Name <email>\")" };
        var changes = ArchiveCommands.ChangeOption();
        var pause = new Option<bool>("--pause", "-p") { Description = "Freeze a running container while its changes are read", DefaultValueFactory = _ => true };
        var container = new Argument<string>("container") { Description = "The container: id, unique id prefix or name" };
        var reference = new Argument<string?>("reference") { Description = "The new image's name, REPOSITORY[:TAG]", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("commit", "Make a new image of a container's changes") { message, author, changes, pause, container, reference };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var options = new CommitOptions
            {
                Message = result.GetValue(message),
                Author = result.GetValue(author),
                Changes = result.GetValue(changes) ?? [],
                Pause = result.GetValue(pause),
            };
            var tag = result.GetValue(reference) is { } name ? ImageReference.Parse(name) : null;
            var image = await session.Engine.CommitAsync(result.GetRequiredValue(container), options, session.Images, tag, cancellationToken).ConfigureAwait(false);
            await cli.Output.WriteLineAsync(ImageCommands.IdOf(image)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
