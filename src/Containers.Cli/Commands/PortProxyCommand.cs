using System.CommandLine;
using System.Net;
using Containers.Networking.Ports;

namespace Containers.Cli.Commands;

/// <summary><c>containers __port-proxy</c>: hidden; the process <see cref="PortProxy"/> starts for a detached container's published ports.</summary>
internal static class PortProxyCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string>("container-id");
        var address = new Argument<string>("container-address");
        var bindings = new Argument<string[]>("binding") { Arity = ArgumentArity.OneOrMore };
        var command = new Command(PortProxy.CommandName, "Forward a detached container's published ports") { id, address, bindings };
        command.Hidden = true;
        command.SetAction((result, cancellationToken) => PortProxy.ServeAsync(
            Path.GetFullPath(result.GetValue(cli.Root) ?? ContainersPaths.DefaultRoot),
            result.GetRequiredValue(id),
            IPAddress.Parse(result.GetRequiredValue(address)),
            [.. result.GetRequiredValue(bindings).Select(PortBinding.Parse)],
            cli.Output,
            cancellationToken));
        return command;
    }
}
