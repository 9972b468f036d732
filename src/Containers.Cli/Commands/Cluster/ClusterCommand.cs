using System.CommandLine;
using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Cli.Commands.Cluster;

/// <summary>
/// <c>containers cluster</c>: <c>serve</c> runs the control plane (API server, controller manager)
/// over HTTP; the other subcommands are clients of that API, shaped like kubectl's.
/// </summary>
internal static class ClusterCommand
{
    public static Command Create(CliContext cli)
    {
        var connection = new ClusterConnection();
        var command = new Command("cluster", "Run the orchestration control plane, and talk to it as kubectl does")
        {
            ServeCommand.Create(cli),
            ApplyCommand.Create(cli, connection),
            GetCommand.Create(cli, connection),
            GetCommand.Describe(cli, connection),
            DeleteCommand.Create(cli, connection),
            ScaleCommand.Create(cli, connection),
            RolloutCommand.Create(cli, connection),
        };
        foreach (var option in connection.Options)
        {
            command.Add(option);
        }

        return command;
    }

    /// <summary>A kind as a user types it: plural, singular, short name or kind, optionally with its group.</summary>
    public static ResourceType ResolveKind(string name) =>
        ResourceRegistry.Default.Resolve(name)
        ?? throw new NotFoundException($"the server doesn't have a resource type \"{name}\": use one of {string.Join(", ", ResourceRegistry.Default.All.Select(t => t.Resource))}");

    /// <summary>kubectl's <c>deployment.apps/web</c>.</summary>
    public static string Display(ResourceType type, string name) =>
        type.Group.Length == 0 ? $"{type.Singular}/{name}" : $"{type.Singular}.{type.Group}/{name}";

    /// <summary>kubectl's <c>deployment.apps "web"</c>.</summary>
    public static string Quoted(ResourceType type, string name) =>
        type.Group.Length == 0 ? $"{type.Singular} \"{name}\"" : $"{type.Singular}.{type.Group} \"{name}\"";

    /// <summary>Splits <c>deployment/web</c> or takes a kind and a name.</summary>
    public static (ResourceType Type, string Name) KindAndName(string first, string? second)
    {
        var slash = first.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            return (ResolveKind(first[..slash]), first[(slash + 1)..]);
        }

        return second is { Length: > 0 }
            ? (ResolveKind(first), second)
            : throw new InvalidArgumentException($"name a {first}: {first} NAME or {first}/NAME");
    }
}
