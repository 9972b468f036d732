using System.CommandLine;
using System.Text.Json;
using Containers.Cli.Output;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Networking;

namespace Containers.Cli.Commands;

/// <summary><c>containers network create|ls|rm|inspect</c>: the engine's bridge networks, as docker's commands show and change them.</summary>
internal static class NetworkCommand
{
    private const string BridgeNameOption = "com.docker.network.bridge.name";

    public static Command Create(CliContext cli) => new("network", "Make, list, remove and inspect bridge networks")
    {
        CreateCommand(cli),
        ListCommand(cli),
        RemoveCommand(cli),
        InspectSubcommand(cli),
    };

    private static Command CreateCommand(CliContext cli)
    {
        var subnet = new Option<string?>("--subnet") { Description = "Its subnet in CIDR form (default: a free /24)" };
        var driver = new Option<string>("--driver", "-d") { Description = "Only bridge", DefaultValueFactory = _ => "bridge" };
        driver.AcceptOnlyFromAmong("bridge");
        var options = new Option<string[]>("--opt", "-o") { Description = $"{BridgeNameOption}=NAME names its bridge interface" };
        var name = new Argument<string>("name");
        var command = new Command("create", "Make a bridge network; prints its id") { subnet, driver, options, name };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            string? bridge = null;
            foreach (var option in result.GetValue(options) ?? [])
            {
                var (key, value) = option.Split('=', 2) is [var k, var v] ? (k, v) : (option, "");
                bridge = key == BridgeNameOption
                    ? value
                    : throw new InvalidArgumentException($"network option \"{option}\" is not supported; only {BridgeNameOption}=NAME is");
            }

            var created = await session.Engine.CreateNetworkAsync(
                result.GetRequiredValue(name),
                new NetworkCreateOptions { Subnet = result.GetValue(subnet) is { } text ? Ipv4Subnet.Parse(text) : null, BridgeName = bridge },
                cancellationToken).ConfigureAwait(false);
            await cli.Output.WriteLineAsync(created.Id).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListCommand(CliContext cli)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the ids" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not shorten ids" };
        var command = new Command("ls", "List the networks") { quiet, noTrunc };
        command.Aliases.Add("list");
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var networks = await session.Engine.ListNetworksAsync(cancellationToken).ConfigureAwait(false);
            string Id(NetworkInfo network) => result.GetValue(noTrunc) ? network.Id : ContainerText.ShortId(network.Id);
            if (result.GetValue(quiet))
            {
                foreach (var network in networks)
                {
                    await cli.Output.WriteLineAsync(Id(network)).ConfigureAwait(false);
                }

                return 0;
            }

            var table = new Table("NETWORK ID", "NAME", "DRIVER", "SCOPE");
            foreach (var network in networks)
            {
                table.Add(Id(network), network.Name, network.Driver, "local");
            }

            await table.WriteToAsync(cli.Output).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command RemoveCommand(CliContext cli)
    {
        var names = new Argument<string[]>("network") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove networks and their bridges") { names };
        command.Aliases.Add("remove");
        cli.SetAction(command, (result, session, cancellationToken) =>
            LifecycleCommands.ForEachAsync(cli, result.GetRequiredValue(names), name => session.Engine.RemoveNetworkAsync(name, cancellationToken)));
        return command;
    }

    private static Command InspectSubcommand(CliContext cli)
    {
        var names = new Argument<string[]>("network") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Print networks' details as JSON") { names };
        cli.SetAction(command, (result, session, cancellationToken) =>
            InspectCommand.EachAsync(cli, result.GetRequiredValue(names), async name =>
            {
                var network = NetworkInspect.From(await session.Engine.InspectNetworkAsync(name, cancellationToken).ConfigureAwait(false));
                return writer => JsonSerializer.Serialize(writer, network, CliJsonContext.Printed.NetworkInspect);
            }));
        return command;
    }
}
