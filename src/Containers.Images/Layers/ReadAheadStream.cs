using System.Buffers;
using System.Threading.Channels;

namespace Containers.Images.Layers;

/// <summary>
/// Reads <paramref name="inner"/> on another thread into a few pooled buffers while the caller
/// consumes the ones already filled. Decompression and hashing (inside <paramref name="inner"/>)
/// then run beside the consumer's syscalls, as <c>tar -xzf</c> runs gzip in a second process.
/// </summary>
internal sealed class ReadAheadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly int _bufferSize;
    private readonly Channel<(byte[] Buffer, int Count)> _filled;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private byte[]? _current;
    private int _offset;
    private int _count;
    private bool _ended;
    private bool _disposed;

    public ReadAheadStream(Stream inner, int bufferSize = 1 << 20, int depth = 4)
    {
        _inner = inner;
        _bufferSize = bufferSize;
        _filled = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        _producer = Task.Run(ProduceAsync);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_offset == _count && !await NextAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var take = Math.Min(buffer.Length, _count - _offset);
        _current.AsSpan(_offset, take).CopyTo(buffer.Span);
        _offset += take;
        return take;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async ValueTask StopAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _producer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose; any other failure was already handed to the reader through the channel.
        }

        ReturnCurrent();
        while (_filled.Reader.TryRead(out var item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }

        _stop.Dispose();
    }

    private async ValueTask<bool> NextAsync(CancellationToken cancellationToken)
    {
        ReturnCurrent();
        if (_ended)
        {
            return false;
        }

        // WaitToReadAsync surfaces the producer's exception (a corrupt gzip stream, a digest mismatch) here.
        if (!await _filled.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _ended = true;
            return false;
        }

        var (buffer, count) = await _filled.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        _current = buffer;
        _offset = 0;
        _count = count;
        return true;
    }

    private void ReturnCurrent()
    {
        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
            _offset = _count = 0;
        }
    }

    private async Task ProduceAsync()
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                int read;
                try
                {
                    read = await _inner.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, _stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                await _filled.Writer.WriteAsync((buffer, read), _stop.Token).ConfigureAwait(false);
            }

            _filled.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _filled.Writer.TryComplete(e);
        }
    }
}
