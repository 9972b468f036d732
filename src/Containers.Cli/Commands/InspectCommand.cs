using System.CommandLine;
using System.Text.Json;
using Containers.Cli.Output;

namespace Containers.Cli.Commands;

/// <summary><c>containers inspect</c>: a JSON array with one object per container, as docker's.</summary>
internal static class InspectCommand
{
    public static Command Create(CliContext cli)
    {
        var containers = LifecycleCommands.ContainersArgument();
        var command = new Command("inspect", "Print containers' details as JSON") { containers };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var found = new List<ContainerInspect>();
            var failed = false;
            foreach (var id in result.GetRequiredValue(containers))
            {
                try
                {
                    found.Add(ContainerInspect.From(await session.Engine.InspectAsync(id, cancellationToken).ConfigureAwait(false)));
                }
                catch (Exception e) when (ContainersCli.IsUserError(e))
                {
                    await cli.Error.WriteLineAsync($"containers: {ContainersCli.Describe(e)}").ConfigureAwait(false);
                    failed = true;
                }
            }

            // As docker: what was found is printed even when something was not.
            await cli.Output.WriteLineAsync(JsonSerializer.Serialize(found, CliJsonContext.Printed.ListContainerInspect)).ConfigureAwait(false);
            return failed ? ContainersCli.UserError : 0;
        });
        return command;
    }
}
