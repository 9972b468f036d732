using System.CommandLine;
using System.Text.Json;
using Containers.Cli.Output;
using Containers.Errors;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers inspect</c>: a JSON array with one object per name given, as docker's: a
/// container, or else an image (<c>--type</c> picks one).
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext cli)
    {
        var type = new Option<string?>("--type") { Description = "Look only for a container or only for an image" };
        type.AcceptOnlyFromAmong("container", "image");
        var names = new Argument<string[]>("name") { Description = "Containers (id, id prefix or name) or images (name, image ID or name@digest)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Print containers' or images' details as JSON") { type, names };
        cli.SetAction(command, (result, session, cancellationToken) =>
        {
            IReadOnlyList<Images.ImageSummary>? rows = null;
            return EachAsync(cli, result.GetRequiredValue(names), async name =>
            {
                if (result.GetValue(type) != "image" && await FindContainerAsync(session, name, result.GetValue(type) == "container", cancellationToken).ConfigureAwait(false) is { } container)
                {
                    var inspected = ContainerInspect.From(container);
                    return writer => JsonSerializer.Serialize(writer, inspected, CliJsonContext.Printed.ContainerInspect);
                }

                var image = await session.Images.ResolveAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                rows ??= await session.Images.ListAsync(cancellationToken).ConfigureAwait(false);
                var imageInspect = ImageInspect.From(image, rows);
                return writer => JsonSerializer.Serialize(writer, imageInspect, CliJsonContext.Printed.ImageInspect);
            });
        });
        return command;
    }

    /// <summary>
    /// docker's inspect: one JSON array of what was found (printed even when something was not), one
    /// line on stderr for each name that was not, exit 1 if any was not.
    /// </summary>
    internal static async Task<int> EachAsync(CliContext cli, IEnumerable<string> names, Func<string, Task<Action<Utf8JsonWriter>>> find)
    {
        var found = new List<Action<Utf8JsonWriter>>();
        var failed = false;
        foreach (var name in names)
        {
            try
            {
                found.Add(await find(name).ConfigureAwait(false));
            }
            catch (Exception e) when (ContainersCli.IsUserError(e))
            {
                await cli.Error.WriteLineAsync($"containers: {ContainersCli.Describe(e)}").ConfigureAwait(false);
                failed = true;
            }
        }

        await cli.Output.WriteLineAsync(CliJsonContext.Array(found)).ConfigureAwait(false);
        return failed ? ContainersCli.UserError : 0;
    }

    /// <summary>The container <paramref name="name"/> names; null when none does and an image may (unless <paramref name="required"/>).</summary>
    private static async Task<Images.Engine.ContainerInfo?> FindContainerAsync(LocalSession session, string name, bool required, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Engine.InspectAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException) when (!required)
        {
            return null;
        }
    }
}
