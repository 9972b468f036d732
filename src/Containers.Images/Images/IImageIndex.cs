namespace Containers.Images;

/// <summary>An immutable index (or manifest list) whose children can be opened.</summary>
public interface IImageIndex
{
    MediaType MediaType { get; }

    ImageIndex Index { get; }

    ReadOnlyMemory<byte> RawIndex { get; }

    Digest Digest { get; }

    /// <summary>Opens a child image by its descriptor in <see cref="Index"/>.</summary>
    ValueTask<IImage> GetImageAsync(Descriptor descriptor, CancellationToken cancellationToken = default);

    /// <summary>Opens a nested index.</summary>
    ValueTask<IImageIndex> GetIndexAsync(Descriptor descriptor, CancellationToken cancellationToken = default);
}
