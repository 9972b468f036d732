namespace Containers.Images;

/// <summary>The names of local images. Every named image is a root for content garbage collection.</summary>
public interface IImageStore
{
    /// <exception cref="Errors.NotFoundException">No image has that name.</exception>
    ValueTask<ImageRecord> GetAsync(ImageReference name, CancellationToken cancellationToken = default);

    /// <summary>Points a name at a manifest or index, creating or moving it.</summary>
    ValueTask<ImageRecord> SetAsync(ImageReference name, Descriptor target, CancellationToken cancellationToken = default);

    /// <exception cref="Errors.NotFoundException">No image has that name.</exception>
    ValueTask DeleteAsync(ImageReference name, CancellationToken cancellationToken = default);

    IAsyncEnumerable<ImageRecord> ListAsync(CancellationToken cancellationToken = default);
}
