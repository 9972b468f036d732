using System.CommandLine;
using System.Globalization;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Server;

namespace Containers.Cli.Commands.Cluster;

/// <summary><c>containers cluster scale KIND NAME --replicas N</c>: sets spec.replicas of a Deployment, ReplicaSet or StatefulSet.</summary>
internal static class ScaleCommand
{
    public static Command Create(CliContext cli, ClusterConnection connection)
    {
        var kind = new Argument<string>("kind");
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var replicas = new Option<int>("--replicas") { Description = "The number of replicas", Required = true };
        var command = new Command("scale", "Set the number of replicas") { kind, name, replicas };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (client, ns) = connection.Open(result);
            using (client)
            {
                var (type, objectName) = ClusterCommand.KindAndName(result.GetRequiredValue(kind), result.GetValue(name));
                if (type.Kind is not ("Deployment" or "ReplicaSet" or "StatefulSet"))
                {
                    throw new InvalidArgumentException($"{type.Resource} cannot be scaled: scale deployments, replicasets or statefulsets");
                }

                var count = result.GetValue(replicas);
                if (count < 0)
                {
                    throw new InvalidArgumentException("--replicas must be 0 or more");
                }

                var patch = $"{{\"spec\":{{\"replicas\":{count.ToString(CultureInfo.InvariantCulture)}}}}}";
                await client.PatchAsync(type, new NamespacedName(ns, objectName), PatchType.Merge, System.Text.Encoding.UTF8.GetBytes(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
                await cli.Output.WriteLineAsync($"{ClusterCommand.Display(type, objectName)} scaled").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
