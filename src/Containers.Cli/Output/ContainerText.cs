using System.Text;
using Containers.Images.Engine;
using Containers.Runtime;

namespace Containers.Cli.Output;

/// <summary>How docker's tables write a container's fields.</summary>
internal static class ContainerText
{
    private const int ShortLength = 12;
    private const int CommandLength = 20;

    /// <summary>The first 12 hex digits of an id or digest, as docker shows them.</summary>
    public static string ShortId(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return hex.Length > ShortLength ? hex[..ShortLength] : hex;
    }

    /// <summary>The image as it was named, or the short form of its digest.</summary>
    public static string Image(ContainerInfo info) => info.ImageName ?? ShortId(info.Image.ToString());

    /// <summary>The command, quoted, cut to 20 characters with an ellipsis unless <paramref name="full"/>.</summary>
    public static string Command(ContainerInfo info, bool full)
    {
        // docker's own rendering: arguments holding a space in single quotes, the program as it is.
        var command = string.Join(' ', info.Args.Select((arg, i) => i > 0 && arg.Contains(' ', StringComparison.Ordinal) ? $"'{arg}'" : arg));
        if (!full && command.Length > CommandLength)
        {
            command = string.Concat(command.AsSpan(0, CommandLength - 1), "…");
        }

        var quoted = new StringBuilder(command.Length + 2).Append('"');
        foreach (var c in command)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>"Created", "Up 5 minutes", "Up 2 seconds (Paused)", "Exited (0) 3 seconds ago", "Restarting (1) 2 seconds ago".</summary>
    public static string Status(ContainerInfo info, DateTimeOffset now) => info.Status switch
    {
        _ when info.Restarting => $"Restarting ({info.ExitCode ?? 0}) {HumanUnits.Duration(now - (info.Finished ?? now))} ago",
        ContainerStatus.Running => $"Up {HumanUnits.Duration(now - (info.Started ?? info.Created))}",
        ContainerStatus.Paused => $"Up {HumanUnits.Duration(now - (info.Started ?? info.Created))} (Paused)",
        ContainerStatus.Stopped when info.Finished is { } finished => $"Exited ({info.ExitCode ?? 0}) {HumanUnits.Duration(now - finished)} ago",
        ContainerStatus.Stopped when info.Started is not null => $"Exited ({info.ExitCode ?? 0})",
        _ => "Created",
    };

    /// <summary>docker's word for the state: created, running, paused, restarting or exited.</summary>
    public static string State(ContainerInfo info) => info.Status switch
    {
        _ when info.Restarting => "restarting",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        ContainerStatus.Stopped when info.Started is not null => "exited",
        _ => "created",
    };

    /// <summary>Whether docker ps without -a lists it.</summary>
    public static bool IsUp(ContainerInfo info) => info.Status is ContainerStatus.Running or ContainerStatus.Paused || info.Restarting;

    /// <summary>The published ports, docker's way: <c>127.0.0.1:8080-&gt;80/tcp</c>, comma-separated.</summary>
    public static string Ports(ContainerInfo info) => string.Join(", ", info.Ports.Select(p => p.ToString()));
}
