using Containers.Runtime;

namespace Containers.Images.Engine;

/// <summary>What <c>docker inspect</c> and <c>docker ps</c> tell about a container.</summary>
public sealed partial record ContainerInfo
{
    /// <summary>The 64-hex id.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The digest of the image's manifest.</summary>
    public required Digest Image { get; init; }

    /// <summary>The image as the user named it (Docker's <c>Config.Image</c>); null when it was given as an image object only.</summary>
    public string? ImageName { get; init; }

    /// <summary>The program and its arguments, as the entrypoint and cmd merged into them (Docker's <c>Path</c> and <c>Args</c>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Created, running, paused or stopped (Docker's "exited").</summary>
    public required ContainerStatus Status { get; init; }

    /// <summary>The host pid of the container's process while it runs; 0 otherwise.</summary>
    public int Pid { get; init; }

    /// <summary>The exit code once the container has stopped (128 + the signal when it was killed).</summary>
    public int? ExitCode { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    /// <summary>It is removed once it exits (<c>--rm</c>).</summary>
    public bool AutoRemove { get; init; }

    /// <summary>The labels it was created with.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Its restart policy.</summary>
    public RestartPolicy Restart { get; init; } = RestartPolicy.No;

    /// <summary>How many times its restart policy has started it again since it was last started by hand.</summary>
    public int RestartCount { get; init; }

    /// <summary>The OOM killer killed a process of its last run (Docker's <c>State.OOMKilled</c>).</summary>
    public bool OomKilled { get; init; }

    /// <summary>It has stopped and its restart policy will start it again once the back-off has passed.</summary>
    public bool Restarting { get; init; }

    /// <summary>Its mounts, with anonymous volumes named.</summary>
    public IReadOnlyList<VolumeMount> Mounts { get; init; } = [];
}
