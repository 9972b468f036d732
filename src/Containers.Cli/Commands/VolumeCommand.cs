using System.CommandLine;
using System.Text.Json;
using Containers.Cli.Output;
using Containers.Errors;

namespace Containers.Cli.Commands;

/// <summary><c>containers volume create|ls|rm|inspect|prune</c>: the engine's named volumes, as docker's commands show and change them.</summary>
internal static class VolumeCommand
{
    public static Command Create(CliContext cli) => new("volume", "Make, list, remove and inspect volumes")
    {
        CreateCommand(cli),
        ListCommand(cli),
        RemoveCommand(cli),
        InspectSubcommand(cli),
        PruneCommand(cli),
    };

    private static Command CreateCommand(CliContext cli)
    {
        var name = new Argument<string?>("name") { Description = "Its name (default: 64 random hex digits)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("create", "Make a volume; prints its name") { name };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var volume = await session.Engine.CreateVolumeAsync(result.GetValue(name), cancellationToken).ConfigureAwait(false);
            await cli.Output.WriteLineAsync(volume.Name).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListCommand(CliContext cli)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the names" };
        var command = new Command("ls", "List the volumes") { quiet };
        command.Aliases.Add("list");
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var volumes = await session.Engine.ListVolumesAsync(cancellationToken).ConfigureAwait(false);
            if (result.GetValue(quiet))
            {
                foreach (var volume in volumes)
                {
                    await cli.Output.WriteLineAsync(volume.Name).ConfigureAwait(false);
                }

                return 0;
            }

            var table = new Table("DRIVER", "VOLUME NAME");
            foreach (var volume in volumes)
            {
                table.Add("local", volume.Name);
            }

            await table.WriteToAsync(cli.Output).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command RemoveCommand(CliContext cli)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Remove volumes that containers use too" };
        var names = new Argument<string[]>("volume") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove volumes and their data") { force, names };
        command.Aliases.Add("remove");
        cli.SetAction(command, (result, session, cancellationToken) =>
            LifecycleCommands.ForEachAsync(cli, result.GetRequiredValue(names), name => session.Engine.RemoveVolumeAsync(name, result.GetValue(force), cancellationToken)));
        return command;
    }

    private static Command InspectSubcommand(CliContext cli)
    {
        var names = new Argument<string[]>("volume") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Print volumes' details as JSON") { names };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var volumes = await session.Engine.ListVolumesAsync(cancellationToken).ConfigureAwait(false);
            return await InspectCommand.EachAsync(cli, result.GetRequiredValue(names), name =>
            {
                var volume = volumes.FirstOrDefault(v => v.Name == name)
                    ?? throw new NotFoundException($"no such volume: \"{name}\"; volume ls lists them");
                var inspected = VolumeInspect.From(volume);
                return Task.FromResult<Action<Utf8JsonWriter>>(writer => JsonSerializer.Serialize(writer, inspected, CliJsonContext.Printed.VolumeInspect));
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command PruneCommand(CliContext cli)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Remove unused named volumes too, not only anonymous ones" };
        var force = new Option<bool>("--force", "-f") { Description = "Accepted for docker's sake: there is no prompt" };
        var command = new Command("prune", "Remove the volumes no container uses") { all, force };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var removed = await session.Engine.PruneVolumesAsync(result.GetValue(all), cancellationToken).ConfigureAwait(false);
            await cli.Output.WriteLineAsync("Deleted Volumes:").ConfigureAwait(false);
            foreach (var name in removed)
            {
                await cli.Output.WriteLineAsync(name).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
