using System.IO.Compression;
using Containers.Errors;

namespace Containers.Images;

/// <summary>Opens decompressing and compressing streams for layer encodings.</summary>
public static class Compression
{
    /// <summary>Wraps <paramref name="compressed"/> so that reading it yields the tar.</summary>
    public static Stream OpenDecompressing(Stream compressed, LayerCompression compression) => compression switch
    {
        LayerCompression.None => compressed,
        LayerCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false),
        LayerCompression.Zstd => new ZstdSharp.DecompressionStream(compressed, leaveOpen: false),
        _ => throw new InvalidArgumentException($"unknown layer compression {compression}"),
    };

    /// <summary>Wraps <paramref name="destination"/> so that what is written to it is compressed.</summary>
    public static Stream OpenCompressing(Stream destination, LayerCompression compression, bool leaveOpen = true) => compression switch
    {
        LayerCompression.None => leaveOpen ? new NonClosingStream(destination) : destination,
        LayerCompression.Gzip => new GZipStream(destination, CompressionLevel.Fastest, leaveOpen),
        LayerCompression.Zstd => new ZstdSharp.CompressionStream(destination, 3, leaveOpen: leaveOpen),
        _ => throw new InvalidArgumentException($"unknown layer compression {compression}"),
    };

    /// <summary>Sniffs the compression from the first bytes of <paramref name="stream"/> and wraps it to yield the tar; those bytes are not lost.</summary>
    public static async ValueTask<Stream> OpenDecompressingDetectedAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var head = new byte[4];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var prefixed = new PrefixedStream(head.AsMemory(0, read), stream);
        return OpenDecompressing(prefixed, Detect(head.AsSpan(0, read)));
    }

    /// <summary>Sniffs the compression of a blob from its first bytes.</summary>
    public static LayerCompression Detect(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b ? LayerCompression.Gzip
        : head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd ? LayerCompression.Zstd
        : LayerCompression.None;

    /// <summary>Replays bytes already read from a stream before reading on from it; disposing it disposes the stream unless <paramref name="leaveOpen"/>.</summary>
    internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner, bool leaveOpen = false) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return inner.Read(buffer);
            }

            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _prefix.IsEmpty ? inner.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    }
}
