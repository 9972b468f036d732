namespace Containers.Images.Engine;

/// <summary>
/// What <c>docker commit</c> is asked for. The new image's config starts from the container's own
/// (the image's, with the container's command, env, working directory and user over it, as Docker
/// keeps it); the settings here go over that, and the <see cref="Changes"/> last.
/// </summary>
public sealed record CommitOptions
{
    /// <summary>The author, in the image config and its history (<c>--author</c>).</summary>
    public string? Author { get; init; }

    /// <summary>The history comment (<c>--message</c>).</summary>
    public string? Message { get; init; }

    /// <summary>Replaces the cmd.</summary>
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>Replaces the entrypoint.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary><c>KEY=value</c> entries set in the env.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Replaces the working directory (absolute).</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Replaces the user.</summary>
    public string? User { get; init; }

    /// <summary>Ports added to the exposed ones: <c>80</c>, <c>80/tcp</c>, <c>53/udp</c>.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    /// <summary>Labels set (a null value removes one).</summary>
    public IReadOnlyDictionary<string, string?> Labels { get; init; } = new Dictionary<string, string?>();

    /// <summary>Dockerfile-like lines (<c>--change</c>), applied last; see <see cref="ConfigChanges"/>.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>Freeze a running container while its changes are read, so they are read whole (<c>--pause</c>, on by default as in Docker).</summary>
    public bool Pause { get; init; } = true;

    /// <summary>How the new layer is compressed.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;
}
