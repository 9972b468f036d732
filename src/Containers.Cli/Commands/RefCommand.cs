using System.CommandLine;
using Containers.Images;

namespace Containers.Cli.Commands;

/// <summary><c>containers ref &lt;reference&gt;</c>: prints a reference normalized as Docker does.</summary>
internal static class RefCommand
{
    public static Command Create(TextWriter output)
    {
        var reference = new Argument<string>("reference") { Description = "An image reference, such as nginx or localhost:5000/app:1.0" };
        var familiar = new Option<bool>("--familiar") { Description = "Print the short form Docker shows (nginx:latest) instead" };
        var command = new Command("ref", "Print the normalized form of an image reference") { reference, familiar };
        command.SetAction(async (result, cancellationToken) =>
        {
            var parsed = ImageReference.Parse(result.GetRequiredValue(reference));
            await output.WriteLineAsync(result.GetValue(familiar) ? parsed.ToFamiliarString() : parsed.ToString()).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
