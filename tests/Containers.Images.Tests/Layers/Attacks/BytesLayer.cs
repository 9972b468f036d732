namespace Containers.Images.Tests.Layers.Attacks;

/// <summary>An uncompressed layer held in memory; its DiffID is what its bytes hash to unless a test says otherwise.</summary>
internal sealed class BytesLayer(byte[] tar, Digest? diffId = null) : ILayer
{
    public Digest Digest { get; } = Digest.Compute(tar);

    public Digest DiffId { get; } = diffId ?? Digest.Compute(tar);

    public long Size => tar.Length;

    public MediaType MediaType => MediaType.OciLayer;

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<Stream>(new MemoryStream(tar, writable: false));

    public ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default) => OpenCompressedAsync(cancellationToken);
}
