namespace Containers.Orchestration.Nodes;

/// <summary>One container of a sandbox as the runtime reports it.</summary>
/// <param name="Id">The runtime's id of the container.</param>
/// <param name="Name">The container's name in the pod spec.</param>
/// <param name="Attempt">0 for the first run of this name in the sandbox, then 1, 2... for restarts.</param>
public sealed record RuntimeContainerStatus(string Id, string Name, int Attempt, RuntimeContainerState State)
{
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The exit code, once <see cref="State"/> is <see cref="RuntimeContainerState.Exited"/>.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Why it exited, such as Completed, Error or OOMKilled.</summary>
    public string? Reason { get; init; }

    public string? Image { get; init; }
}
