namespace Containers.Images.Testing;

/// <summary>Where a <see cref="ThrowawayContainer"/> is in its life.</summary>
public enum ThrowawayContainerState
{
    /// <summary>Built, and not started yet: no container exists.</summary>
    Unstarted,

    /// <summary>Created and started; its wait strategies are being checked.</summary>
    Starting,

    /// <summary>Its process runs (and its wait strategies passed, unless its start failed).</summary>
    Running,

    /// <summary>Its process has ended, on its own or by <see cref="ThrowawayContainer.StopAsync(CancellationToken)"/>.</summary>
    Exited,

    /// <summary>Disposed: the container and everything it had are gone.</summary>
    Removed,
}
