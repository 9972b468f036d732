using Containers.Images.Content;

namespace Containers.Images.Layers;

/// <summary>What ingesting a layer of unknown encoding learned about it.</summary>
internal readonly record struct IngestedLayer(Digest Digest, Digest DiffId, long Size, LayerCompression Compression);

/// <summary>
/// Streams a layer of unknown encoding into a content store and learns, in the same pass, its
/// compression (sniffed from the first bytes), its digest and its DiffID: the bytes that go to the
/// store are the ones the decompressor reads, so the layer is read once.
/// </summary>
internal static class LayerIngest
{
    /// <exception cref="Errors.DigestMismatchException">The bytes are not <paramref name="size"/> long or do not hash to <paramref name="expected"/>; nothing is committed.</exception>
    /// <exception cref="InvalidDataException">The layer claims a compression but does not decompress.</exception>
    public static async ValueTask<IngestedLayer> WriteAsync(IContentIngester ingester, Stream source, long size, Digest? expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ingester);
        ArgumentNullException.ThrowIfNull(source);
        var writer = await ingester.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            writer.PrepareFor(expected);
            var tee = new TeeStream(source, writer);
            await using (tee.ConfigureAwait(false))
            {
                var head = new byte[4];
                var read = await tee.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var compression = Compression.Detect(head.AsSpan(0, read));
                Digest? diffId = null;
                if (compression != LayerCompression.None)
                {
                    tee.Replay(head.AsMemory(0, read));
                    var tar = Compression.OpenDecompressing(tee, compression);
                    await using (tar.ConfigureAwait(false))
                    {
                        diffId = await Digest.ComputeAsync(tar, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                }

                // Whatever follows the compressed stream (or all of an uncompressed one) still belongs to the blob.
                await tee.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                var digest = await writer.CommitAsync(size, expected, cancellationToken).ConfigureAwait(false);
                return new IngestedLayer(digest, diffId ?? digest, size, compression);
            }
        }
    }

    /// <summary>Reads from a source and hands every byte read to a content writer; bytes replayed are not written twice.</summary>
    private sealed class TeeStream(Stream source, IContentWriter sink) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _replay;

        /// <summary>Makes the next reads return <paramref name="bytes"/> (already written) before reading on.</summary>
        public void Replay(ReadOnlyMemory<byte> bytes) => _replay = bytes;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_replay.IsEmpty)
            {
                var count = Math.Min(buffer.Length, _replay.Length);
                _replay[..count].CopyTo(buffer);
                _replay = _replay[count..];
                return count;
            }

            var read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                await sink.WriteAsync(buffer[..read], cancellationToken).ConfigureAwait(false);
            }

            return read;
        }

        // Writing to the sink is asynchronous only; every reader here reads asynchronously.
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read this stream asynchronously");

    }
}
