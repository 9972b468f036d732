using Containers.Errors;
using Containers.Images.Content;

namespace Containers.Images;

/// <summary>A layer whose blob lives in a content store (or an image layout's blobs).</summary>
internal sealed class ContentLayer(IContentProvider provider, Descriptor descriptor, Digest diffId) : ILayer
{
    public Digest Digest => descriptor.Digest;

    public Digest DiffId => diffId;

    public long Size => descriptor.Size;

    public MediaType MediaType => descriptor.MediaType;

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default) =>
        provider.OpenReadAsync(descriptor.Digest, descriptor.Size, cancellationToken);

    public async ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default)
    {
        var compression = MediaType.Compression
            ?? throw new InvalidArgumentException($"blob {Digest} has media type \"{MediaType}\", which is not a layer");
        var compressed = await OpenCompressedAsync(cancellationToken).ConfigureAwait(false);
        return Compression.OpenDecompressing(compressed, compression);
    }
}
