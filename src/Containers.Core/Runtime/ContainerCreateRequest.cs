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
}
