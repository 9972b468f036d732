using System.CommandLine;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;

namespace Containers.Cli.Commands.Cluster;

/// <summary><c>containers cluster delete KIND NAME…</c> or <c>-f FILE</c>, printing kubectl's <c>pod "web" deleted</c>.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliContext cli, ClusterConnection connection)
    {
        var kind = new Argument<string?>("kind") { Arity = ArgumentArity.ZeroOrOne };
        var names = new Argument<string[]>("name") { Arity = ArgumentArity.ZeroOrMore };
        var files = new Option<string[]>("--filename", "-f") { Description = "Delete the objects of these manifests", AllowMultipleArgumentsPerToken = true };
        var grace = new Option<long?>("--grace-period") { Description = "Seconds a pod gets to stop; 0 removes it at once" };
        var cascade = new Option<string?>("--cascade") { Description = "background (default), foreground or orphan" };
        var ignoreNotFound = new Option<bool>("--ignore-not-found") { Description = "A missing object is not an error" };
        var command = new Command("delete", "Delete objects") { kind, names, files, grace, cascade, ignoreNotFound };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (client, ns) = connection.Open(result);
            using (client)
            {
                var targets = new List<(ResourceType Type, NamespacedName Key)>();
                foreach (var obj in await ApplyCommand.ReadManifestsAsync(result.GetValue(files) ?? [], cancellationToken).ConfigureAwait(false))
                {
                    var type = client.Registry.Get(obj);
                    targets.Add((type, new NamespacedName(type.Namespaced ? obj.Namespace ?? ns : null, obj.Name)));
                }

                if (result.GetValue(kind) is { } kindText)
                {
                    var rest = result.GetValue(names) ?? [];
                    if (kindText.Contains('/', StringComparison.Ordinal))
                    {
                        var (type, name) = ClusterCommand.KindAndName(kindText, null);
                        rest = [name, .. rest];
                        kindText = type.Resource + (type.Group.Length > 0 ? "." + type.Group : string.Empty);
                    }

                    var resolved = ClusterCommand.ResolveKind(kindText);
                    targets.AddRange(rest.Select(n => (resolved, new NamespacedName(resolved.Namespaced ? ns : null, n))));
                }

                if (targets.Count == 0)
                {
                    throw new InvalidArgumentException("name what to delete: KIND NAME…, KIND/NAME or -f FILE");
                }

                var options = new DeleteOptions
                {
                    GracePeriodSeconds = result.GetValue(grace),
                    PropagationPolicy = result.GetValue(cascade) switch
                    {
                        null or "background" or "true" => null,
                        "foreground" => PropagationPolicy.Foreground,
                        "orphan" or "false" => PropagationPolicy.Orphan,
                        var other => throw new InvalidArgumentException($"--cascade \"{other}\" is not one of background, foreground, orphan"),
                    },
                };
                foreach (var (type, key) in targets)
                {
                    try
                    {
                        await client.DeleteAsync(type, key, options, cancellationToken).ConfigureAwait(false);
                        await cli.Output.WriteLineAsync($"{ClusterCommand.Quoted(type, key.Name)} deleted").ConfigureAwait(false);
                    }
                    catch (NotFoundException) when (result.GetValue(ignoreNotFound))
                    {
                        // As asked.
                    }
                }
            }

            return 0;
        });
        return command;
    }
}
