namespace Containers.Images.Engine;

/// <summary>The engine tells <see cref="LocalImages"/> which containers use an image, so that <c>rmi</c> does not take it from under them.</summary>
public sealed partial class ContainerEngine : IImageUsage
{
    /// <summary>The ids of this engine's containers (those on its root) made from the image whose manifest has digest <paramref name="manifest"/>.</summary>
    public async ValueTask<IReadOnlyList<string>> ContainersUsingAsync(Digest manifest, CancellationToken cancellationToken = default)
    {
        await _registry.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _containers.Values.Where(entry => !entry.Removed && entry.Record.Image == manifest).Select(entry => entry.Record.Id)];
        }
        finally
        {
            _registry.Release();
        }
    }
}
