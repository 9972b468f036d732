using System.Net;

namespace Containers.Benchmarks.Registry;

/// <summary>
/// A network link of <c>bytesPerSecond</c> between the client and a registry on loopback: every
/// response body is read through one shared budget, so parallel downloads share the bandwidth
/// as they would on one link. For measuring what depends on the network being the bottleneck.
/// </summary>
internal sealed class ThrottlingHandler(long bytesPerSecond) : DelegatingHandler
{
    private readonly Lock _lock = new();
    private readonly long _start = System.Diagnostics.Stopwatch.GetTimestamp();
    private double _busyUntil;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var inner = response.Content;
        var throttled = new StreamContent(new ThrottledStream(await inner.ReadAsStreamAsync(cancellationToken), this));
        foreach (var header in inner.Headers)
        {
            throttled.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = throttled;
        return response;
    }

    /// <summary>How long to wait before <paramref name="bytes"/> more may pass: the link sends one thing at a time.</summary>
    private TimeSpan Reserve(int bytes)
    {
        var now = System.Diagnostics.Stopwatch.GetElapsedTime(_start).TotalSeconds;
        lock (_lock)
        {
            _busyUntil = Math.Max(_busyUntil, now) + ((double)bytes / bytesPerSecond);
            return TimeSpan.FromSeconds(Math.Max(0, _busyUntil - now));
        }
    }

    private sealed class ThrottledStream(Stream inner, ThrottlingHandler link) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read > 0 && link.Reserve(read) is { TotalMilliseconds: > 1 } wait)
            {
                await Task.Delay(wait, cancellationToken);
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

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
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
