using Containers.Processes;

namespace Containers.Runtime;

/// <summary>What <see cref="IContainerRuntime.CreateAsync"/> needs.</summary>
/// <param name="Id">The container's id: letters, digits, <c>_</c>, <c>.</c> and <c>-</c>.</param>
/// <param name="Bundle">The bundle directory, holding <c>config.json</c> and usually the rootfs.</param>
public sealed record ContainerCreateRequest(string Id, string Bundle)
{
    /// <summary>How the container's stdio is wired.</summary>
    public StdioMode Stdio { get; init; } = StdioMode.Null;

    /// <summary>
    /// Kill and remove the container when the process that created it dies, so a crashed test
    /// run leaves no containers behind.
    /// </summary>
    public bool DieWithOwner { get; init; }

    /// <summary>
    /// Start the program as soon as the container is set up, as <c>runc run</c> and
    /// <c>docker run</c> do, with no separate <see cref="IContainerRuntime.StartAsync"/>: the
    /// container comes back running.
    /// </summary>
    public bool StartImmediately { get; init; }

    /// <summary>
    /// Where the container's stdout and stderr go, as Docker's json-file log
    /// (<c>{"log":"hello\n","stream":"stdout","time":"…"}</c>, one object a line, lines split at
    /// 16 KiB), appended by the container's shim, so that the log keeps growing when the creating
    /// process is gone. Its stdin is <c>/dev/null</c>, and <see cref="Stdio"/> must be
    /// <see cref="StdioMode.Null"/>. The exit is reported only once the log holds all of the output.
    /// </summary>
    public string? LogPath { get; init; }

    /// <summary>What else goes when the owner dies; only with <see cref="DieWithOwner"/>.</summary>
    public OwnerDeathCleanup? OwnerDeathCleanup { get; init; }
}
