namespace Containers.Images;

/// <summary>One filesystem layer of an image: a tar changeset, possibly compressed.</summary>
public interface ILayer
{
    /// <summary>The digest of the blob as stored and shipped (compressed).</summary>
    Digest Digest { get; }

    /// <summary>The digest of the uncompressed tar, as the image config lists it.</summary>
    Digest DiffId { get; }

    /// <summary>The size of the blob as stored (compressed).</summary>
    long Size { get; }

    MediaType MediaType { get; }

    /// <summary>The blob as stored, verified against <see cref="Digest"/> as it is read.</summary>
    ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default);

    /// <summary>The uncompressed tar.</summary>
    ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default);
}
