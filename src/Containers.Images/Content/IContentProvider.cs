namespace Containers.Images.Content;

/// <summary>Reads committed blobs. Every read is checked against the digest it was asked for.</summary>
public interface IContentProvider
{
    /// <summary>
    /// Opens a blob for reading. The stream verifies the bytes as they pass: reading to the end of
    /// a blob whose bytes no longer hash to <paramref name="digest"/> (or whose size differs from
    /// <paramref name="expectedSize"/>) throws <see cref="Errors.DigestMismatchException"/>.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">No blob has that digest.</exception>
    ValueTask<Stream> OpenReadAsync(Digest digest, long? expectedSize = null, CancellationToken cancellationToken = default);
}
