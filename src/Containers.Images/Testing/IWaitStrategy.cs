namespace Containers.Images.Testing;

/// <summary>
/// One condition a <see cref="ThrowawayContainer"/> must meet before <see cref="ThrowawayContainer.StartAsync"/>
/// returns. The container polls it, so one check is one attempt: it says whether the condition
/// holds now, and leaves retrying, the startup timeout and a container that exits meanwhile to
/// the container. <see cref="Wait"/> makes the common ones.
/// </summary>
/// <remarks>
/// A strategy may be shared by many containers (builders are reused), so it keeps no state
/// between checks. A check returns false for a condition that may still come true (a refused
/// connection, a missing file); an exception it throws ends the start at once.
/// </remarks>
public interface IWaitStrategy
{
    /// <summary>What it waits for, for messages: <c>port 80/tcp</c>, <c>log message "ready" once</c>.</summary>
    string Description { get; }

    /// <summary>Whether the condition holds for <paramref name="container"/> now.</summary>
    Task<bool> IsReadyAsync(ThrowawayContainer container, CancellationToken cancellationToken);
}
