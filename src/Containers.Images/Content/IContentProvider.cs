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

    /// <summary>
    /// Reads a whole blob of <paramref name="size"/> bytes into memory, verified as
    /// <see cref="OpenReadAsync"/> verifies. Through that stream unless the provider knows a faster
    /// way (the local store reads a small file in one synchronous call).
    /// </summary>
    /// <exception cref="Errors.NotFoundException">No blob has that digest.</exception>
    /// <exception cref="Errors.DigestMismatchException">The bytes are not <paramref name="size"/> long, or do not hash to <paramref name="digest"/>.</exception>
    async ValueTask<byte[]> ReadAllAsync(Digest digest, long size, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[size];
        var stream = await OpenReadAsync(digest, size, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);

            // One more read proves the end and runs the final verification.
            if (await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            {
                throw BlobMismatch.Longer("blob", digest, size);
            }
        }

        return buffer;
    }
}
