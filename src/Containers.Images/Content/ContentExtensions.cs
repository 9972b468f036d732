using Containers.Errors;

namespace Containers.Images.Content;

/// <summary>The small conveniences every caller of a content store wants.</summary>
public static class ContentExtensions
{
    /// <summary>Reads a whole blob into memory, verified, refusing blobs bigger than <paramref name="maxSize"/>.</summary>
    public static async ValueTask<byte[]> ReadBlobAsync(this IContentProvider provider, Descriptor descriptor, long maxSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Size > maxSize || descriptor.Size < 0)
        {
            throw new InvalidArgumentException($"blob {descriptor.Digest} declares {descriptor.Size} bytes; the limit for a {descriptor.MediaType} is {maxSize}");
        }

        return await provider.ReadAllAsync(descriptor.Digest, descriptor.Size, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes bytes as a blob and returns their descriptor; an existing blob counts as success.</summary>
    public static async ValueTask<Descriptor> WriteBlobAsync(this IContentIngester ingester, MediaType mediaType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ingester);
        var descriptor = new Descriptor { MediaType = mediaType, Digest = Digest.Compute(content.Span), Size = content.Length };
        if (ingester is IContentManager manager && await manager.ExistsAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false))
        {
            return descriptor;
        }

        var writer = await ingester.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(descriptor.Size, descriptor.Digest, cancellationToken).ConfigureAwait(false);
        }

        return descriptor;
    }

    /// <summary>Readies a fresh writer to verify <paramref name="expected"/>: the local writer hashes sha512 only when told before the first byte.</summary>
    internal static void PrepareFor(this IContentWriter writer, Digest? expected)
    {
        if (expected?.Algorithm == DigestAlgorithm.Sha512 && writer is Local.LocalContentWriter local)
        {
            local.AlsoHashSha512();
        }
    }

    /// <summary>Streams a blob in, verifying it against <paramref name="expected"/> when given.</summary>
    public static async ValueTask<Digest> WriteBlobAsync(this IContentIngester ingester, Stream source, long? expectedSize = null, Digest? expected = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ingester);
        ArgumentNullException.ThrowIfNull(source);
        if (expected is { } known && ingester is IContentManager manager && await manager.ExistsAsync(known, cancellationToken).ConfigureAwait(false))
        {
            return known;
        }

        var writer = await ingester.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            writer.PrepareFor(expected);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, 1 << 20), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (expectedSize is { } limit && writer.Written + read > limit)
                    {
                        throw new DigestMismatchException($"blob {expected?.ToShortString() ?? string.Empty} has more than the {limit} bytes declared; nothing was committed", $"{limit}", "more");
                    }

                    await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            return await writer.CommitAsync(expectedSize, expected, cancellationToken).ConfigureAwait(false);
        }
    }
}
