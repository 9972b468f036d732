namespace Containers.Images.Content;

/// <summary>One blob being written. It hashes as it writes; commit checks and publishes the bytes.</summary>
public interface IContentWriter : IAsyncDisposable
{
    /// <summary>Bytes written so far.</summary>
    long Written { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks the size and digest, makes the bytes durable and publishes the blob atomically.
    /// If the blob exists already, that counts as success. Returns the digest of what was written.
    /// </summary>
    /// <exception cref="Errors.DigestMismatchException">The bytes are not what was expected; nothing is published.</exception>
    ValueTask<Digest> CommitAsync(long? expectedSize = null, Digest? expectedDigest = null, CancellationToken cancellationToken = default);
}
