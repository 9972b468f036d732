using Containers.Errors;

namespace Containers.Images.Content;

/// <summary>
/// A read-only stream that hashes what passes through it and, at the end, proves the bytes are the
/// ones promised. It refuses more bytes than the expected size as soon as they arrive, so a hostile
/// source cannot make a reader buffer without end.
/// </summary>
public sealed class VerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly Digest _expected;
    private readonly long? _expectedSize;
    private readonly string _what;
    private readonly bool _leaveOpen;
    private readonly DigestHasher _hash;
    private long _read;
    private bool _verified;

    public VerifyingStream(Stream inner, Digest expected, long? expectedSize, string what, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (expected.IsEmpty)
        {
            throw new ArgumentException("an expected digest is required", nameof(expected));
        }

        _inner = inner;
        _expected = expected;
        _expectedSize = expectedSize;
        _what = what;
        _leaveOpen = leaveOpen;
        _hash = DigestHasher.Create(expected.Algorithm, expectedSize);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _expectedSize ?? throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // A zero-byte read (TarReader makes them at the end of an entry) says nothing about the end of the blob.
        if (buffer.IsEmpty)
        {
            return _inner.Read(buffer);
        }

        var n = _inner.Read(buffer);
        return Account(buffer[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        if (!_leaveOpen)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            Verify();
            return 0;
        }

        _read += data.Length;
        if (_expectedSize is { } size && _read > size)
        {
            throw BlobMismatch.Longer(_what, _expected, size);
        }

        _hash.Append(data);
        if (_read == _expectedSize)
        {
            // A reader that stops at the declared size never sees EOF; verify now.
            Verify();
        }

        return data.Length;
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }

        _verified = true;
        if (_expectedSize is { } size && _read != size)
        {
            throw BlobMismatch.Shorter(_what, _expected, _read, size);
        }

        var actual = _hash.Finish();
        if (actual != _expected)
        {
            throw BlobMismatch.Content(_what, _expected, actual);
        }
    }
}
