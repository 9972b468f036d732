namespace Containers.Images.Testing.Strategies;

/// <summary>Ready once <paramref name="path"/> exists in the container, as its processes see it (bind mounts included).</summary>
internal sealed class FileWaitStrategy(string path) : IWaitStrategy
{
    public string Description => $"file {path} to exist";

    public Task<bool> IsReadyAsync(ThrowawayContainer container, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(container.FileExists(path));
    }
}
