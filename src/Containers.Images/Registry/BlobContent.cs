using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Containers.Images.Content;

namespace Containers.Images.Registry;

/// <summary>
/// A blob from a content store as a request body: read (and verified) from the store each time it
/// is sent, so a retry or a 307 can send it again.
/// </summary>
internal sealed class BlobContent : ReplayableContent
{
    private const int BufferSize = 256 * 1024;
    private readonly IContentProvider _provider;
    private readonly Descriptor _blob;
    private readonly Action<long>? _sent;
    private readonly Action? _restarted;
    private int _sends;

    /// <param name="sent">Told the bytes of each write to the network.</param>
    /// <param name="restarted">Told when the body is sent again from the start.</param>
    public BlobContent(IContentProvider provider, Descriptor blob, Action<long>? sent = null, Action? restarted = null)
    {
        _provider = provider;
        _blob = blob;
        _sent = sent;
        _restarted = restarted;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _sends) > 1)
        {
            _restarted?.Invoke();
        }

        var source = await _provider.OpenReadAsync(_blob.Digest, _blob.Size, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    _sent?.Invoke(read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _blob.Size;
        return true;
    }
}
