namespace Containers.Images.Content;

/// <summary>
/// A write-only stream into an <see cref="IContentWriter"/>, buffered, so that a producer that
/// knows its digest only at the end (a layer being written) can stream straight into the store.
/// The writer is neither committed nor disposed here.
/// </summary>
internal sealed class ContentWriterStream(IContentWriter writer, int bufferSize = 1 << 16) : Stream
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _buffered;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => writer.Written + _buffered;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var copy = buffer.ToArray();
        WriteAsync(copy).AsTask().GetAwaiter().GetResult();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            if (_buffered == 0 && buffer.Length >= _buffer.Length)
            {
                await writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            }

            var take = Math.Min(buffer.Length, _buffer.Length - _buffered);
            buffer.Span[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            buffer = buffer[take..];
            if (_buffered == _buffer.Length)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Flush() => FlushAsync().GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffered > 0)
        {
            await writer.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
            _buffered = 0;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
