using System.CommandLine;
using Containers.Cli.Output;

namespace Containers.Cli.Commands;

/// <summary><c>containers ps</c>: docker's container table, newest first.</summary>
internal static class PsCommand
{
    public static Command Create(CliContext cli)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show every container (only running ones by default)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the ids" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not shorten ids and commands" };
        var command = new Command("ps", "List containers") { all, quiet, noTrunc };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var full = result.GetValue(noTrunc);
            var containers = (await session.Engine.ListAsync(cancellationToken).ConfigureAwait(false))
                .Where(c => result.GetValue(all) || ContainerText.IsUp(c))
                .Reverse();
            if (result.GetValue(quiet))
            {
                foreach (var container in containers)
                {
                    await cli.Output.WriteLineAsync(full ? container.Id : ContainerText.ShortId(container.Id)).ConfigureAwait(false);
                }

                return 0;
            }

            var now = DateTimeOffset.UtcNow;
            var table = new Table("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
            foreach (var container in containers)
            {
                table.Add(
                    full ? container.Id : ContainerText.ShortId(container.Id),
                    ContainerText.Image(container),
                    ContainerText.Command(container, full),
                    $"{HumanUnits.Duration(now - container.Created)} ago",
                    ContainerText.Status(container, now),
                    ContainerText.Ports(container),
                    container.Name);
            }

            await table.WriteToAsync(cli.Output).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
