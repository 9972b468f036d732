using System.Text.Json.Serialization;
using Containers.Images.Engine;

namespace Containers.Cli.Output;

/// <summary>A container as <c>docker inspect</c> shows it, with docker's field names where the engine has the same thing.</summary>
internal sealed record ContainerInspect
{
    /// <summary>docker's zero time, for times that have not happened.</summary>
    private static readonly DateTime Never = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);

    public required string Id { get; init; }

    public required DateTime Created { get; init; }

    public required string Path { get; init; }

    public required IReadOnlyList<string> Args { get; init; }

    public required ContainerStateInspect State { get; init; }

    /// <summary>The digest of the image's manifest.</summary>
    public required string Image { get; init; }

    /// <summary>The name with docker's leading slash.</summary>
    public required string Name { get; init; }

    public required ContainerConfigInspect Config { get; init; }

    public static ContainerInspect From(ContainerInfo info) => new()
    {
        Id = info.Id,
        Created = info.Created.UtcDateTime,
        Path = info.Args.Count > 0 ? info.Args[0] : string.Empty,
        Args = info.Args.Count > 0 ? info.Args.Skip(1).ToArray() : [],
        State = new ContainerStateInspect
        {
            Status = ContainerText.State(info),
            Running = info.Status == Runtime.ContainerStatus.Running,
            Paused = info.Status == Runtime.ContainerStatus.Paused,
            Pid = info.Pid,
            ExitCode = info.ExitCode ?? 0,
            StartedAt = info.Started?.UtcDateTime ?? Never,
            FinishedAt = info.Finished?.UtcDateTime ?? Never,
        },
        Image = info.Image.ToString(),
        Name = "/" + info.Name,
        Config = new ContainerConfigInspect { Image = info.ImageName ?? info.Image.ToString(), Cmd = info.Args },
    };
}

internal sealed record ContainerStateInspect
{
    /// <summary>created, running, paused or exited.</summary>
    public required string Status { get; init; }

    public bool Running { get; init; }

    public bool Paused { get; init; }

    public bool Restarting { get; init; }

    [JsonPropertyName("OOMKilled")]
    public bool OomKilled { get; init; }

    public bool Dead { get; init; }

    public int Pid { get; init; }

    public int ExitCode { get; init; }

    public string Error { get; init; } = string.Empty;

    public DateTime StartedAt { get; init; }

    public DateTime FinishedAt { get; init; }
}

internal sealed record ContainerConfigInspect
{
    /// <summary>The image as it was named.</summary>
    public required string Image { get; init; }

    /// <summary>The command the container runs (entrypoint and cmd merged).</summary>
    public required IReadOnlyList<string> Cmd { get; init; }
}
