using System.CommandLine;
using System.Net;
using Containers.Networking.Ports;

namespace Containers.Cli.Commands;

/// <summary><c>containers __supervise</c>: hidden; the process <see cref="ContainerSupervisor"/> starts for a detached container.</summary>
internal static class SuperviseCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<string>("container-id");
        var remove = new Option<bool>("--remove") { Description = "Remove the container once it exits" };
        var address = new Option<string?>("--address") { Description = "The container's address, which the published ports forward to" };
        var publish = new Option<string[]>("--publish") { Description = "A host endpoint to forward, HOST_IP:HOST_PORT:CONTAINER_PORT/tcp (repeatable)" };
        var command = new Command(ContainerSupervisor.CommandName, "Serve a detached container's published ports, and remove it when it exits if asked") { id, remove, address, publish };
        command.Hidden = true;
        command.SetAction((result, cancellationToken) => ContainerSupervisor.ServeAsync(
            Path.GetFullPath(result.GetValue(cli.Root) ?? ContainersPaths.DefaultRoot),
            result.GetRequiredValue(id),
            result.GetValue(remove),
            result.GetValue(address) is { } text ? IPAddress.Parse(text) : null,
            [.. (result.GetValue(publish) ?? []).Select(PortBinding.Parse)],
            cli.Output,
            cancellationToken));
        return command;
    }
}
