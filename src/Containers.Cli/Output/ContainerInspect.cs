using System.Globalization;
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

    public int RestartCount { get; init; }

    public required ContainerConfigInspect Config { get; init; }

    public required HostConfigInspect HostConfig { get; init; }

    public required IReadOnlyList<MountInspect> Mounts { get; init; }

    public required NetworkSettingsInspect NetworkSettings { get; init; }

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
            Restarting = info.Restarting,
            OomKilled = info.OomKilled,
            Paused = info.Status == Runtime.ContainerStatus.Paused,
            Pid = info.Pid,
            ExitCode = info.ExitCode ?? 0,
            StartedAt = info.Started?.UtcDateTime ?? Never,
            FinishedAt = info.Finished?.UtcDateTime ?? Never,
        },
        Image = info.Image.ToString(),
        Name = "/" + info.Name,
        RestartCount = info.RestartCount,
        Config = new ContainerConfigInspect { Image = info.ImageName ?? info.Image.ToString(), Cmd = info.Args },
        HostConfig = new HostConfigInspect
        {
            NetworkMode = info.Network ?? "none",
            AutoRemove = info.AutoRemove,
            RestartPolicy = new RestartPolicyInspect { Name = info.Restart.Kind == RestartPolicyKind.No ? "no" : info.Restart.ToString().Split(':')[0], MaximumRetryCount = info.Restart.MaxRetries },
            Binds = [.. info.Mounts.Where(m => m.Kind != VolumeMountKind.Tmpfs && m.Source.Length > 0).Select(m => m.ToString())],
        },
        Mounts = [.. info.Mounts.Select(m => new MountInspect
        {
            Type = m.Kind switch { VolumeMountKind.Bind => "bind", VolumeMountKind.Tmpfs => "tmpfs", _ => "volume" },
            Name = m.Kind == VolumeMountKind.Volume ? m.Source : null,
            Source = m.Kind == VolumeMountKind.Bind ? m.Source : string.Empty,
            Destination = m.Target,
            RW = !m.ReadOnly,
        })],
        NetworkSettings = new NetworkSettingsInspect
        {
            IPAddress = info.IPAddress?.ToString() ?? string.Empty,
            Ports = info.Ports
                .GroupBy(p => $"{p.ContainerPort.ToString(CultureInfo.InvariantCulture)}/{p.Protocol.ToString().ToLowerInvariant()}")
                .ToDictionary(g => g.Key, g => (IReadOnlyList<PortInspect>)[.. g.Select(p => new PortInspect { HostIp = p.HostEndPoint.Address.ToString(), HostPort = p.HostEndPoint.Port.ToString(CultureInfo.InvariantCulture) })]),
            Networks = info.Network is { } network ? new() { [network] = new EndpointInspect { IPAddress = info.IPAddress?.ToString() ?? string.Empty } } : [],
        },
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

internal sealed record HostConfigInspect
{
    public required string NetworkMode { get; init; }

    public bool AutoRemove { get; init; }

    public required RestartPolicyInspect RestartPolicy { get; init; }

    /// <summary>The -v mounts with a source, in -v's form.</summary>
    public required IReadOnlyList<string> Binds { get; init; }
}

internal sealed record RestartPolicyInspect
{
    /// <summary>no, always, unless-stopped or on-failure.</summary>
    public required string Name { get; init; }

    public int MaximumRetryCount { get; init; }
}

internal sealed record MountInspect
{
    /// <summary>bind, volume or tmpfs.</summary>
    public required string Type { get; init; }

    /// <summary>The volume's name; null for a bind or tmpfs.</summary>
    public string? Name { get; init; }

    /// <summary>The host path of a bind.</summary>
    public required string Source { get; init; }

    public required string Destination { get; init; }

    public bool RW { get; init; }
}

internal sealed record NetworkSettingsInspect
{
    public required string IPAddress { get; init; }

    /// <summary>By "80/tcp": the host endpoints it is published on.</summary>
    public required Dictionary<string, IReadOnlyList<PortInspect>> Ports { get; init; }

    /// <summary>By network name.</summary>
    public required Dictionary<string, EndpointInspect> Networks { get; init; }
}

internal sealed record PortInspect
{
    public required string HostIp { get; init; }

    public required string HostPort { get; init; }
}

internal sealed record EndpointInspect
{
    public required string IPAddress { get; init; }
}
