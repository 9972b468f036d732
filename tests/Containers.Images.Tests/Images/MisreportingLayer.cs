namespace Containers.Images.Tests;

/// <summary>
/// A layer that serves the bytes of a real layer but can lie about its DiffID or media type, to
/// prove that the validator catches what a buggy or hostile layer source claims.
/// </summary>
internal sealed class MisreportingLayer(ILayer inner) : ILayer
{
    public Digest Digest => inner.Digest;

    public Digest DiffId { get; init; } = inner.DiffId;

    public long Size => inner.Size;

    public MediaType MediaType { get; init; } = inner.MediaType;

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default) =>
        inner.OpenCompressedAsync(cancellationToken);

    public ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default) =>
        inner.OpenUncompressedAsync(cancellationToken);
}
