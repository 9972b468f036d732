namespace Containers.Images.Engine;

/// <summary>The engine's record of a container, kept as <c>container.json</c> in its state directory.</summary>
internal sealed partial record StoredContainer
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required Digest Image { get; init; }

    /// <summary>The image as the user named it, when it was named.</summary>
    public string? ImageName { get; init; }

    /// <summary>The container's command: its process's arguments after the image config's merge.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The key of the container's active snapshot.</summary>
    public required string SnapshotKey { get; init; }

    /// <summary>The signal <c>stop</c> sends first: the image's <c>StopSignal</c>, else SIGTERM.</summary>
    public int StopSignal { get; init; } = 15;

    public bool AutoRemove { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    public int? ExitCode { get; init; }

    public int? ExitSignal { get; init; }

    /// <summary>The kernel's OOM killer killed a process of its last run.</summary>
    public bool OomKilled { get; init; }

    /// <summary>The engine process the container dies with, and its start time; 0 when it outlives its engine.</summary>
    public int OwnerPid { get; init; }

    /// <summary>The start time of <see cref="OwnerPid"/>, which tells it from a later process with its pid.</summary>
    public ulong OwnerStartTime { get; init; }

    /// <summary>Its mounts, validated, with anonymous volumes named.</summary>
    public IReadOnlyList<VolumeMount> Mounts { get; init; } = [];

    /// <summary>The restart policy in its <c>--restart</c> form; null is <c>no</c>.</summary>
    public string? Restart { get; init; }

    public int RestartCount { get; init; }

    /// <summary>Stopped, with a restart by its policy pending.</summary>
    public bool Restarting { get; init; }

    /// <summary>The container's config as Docker keeps it (the image's, with the run's overrides): what a commit starts from.</summary>
    public ContainerConfig? Config { get; init; }
}
