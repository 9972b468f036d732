using Containers.Images.Content;
using Containers.Images.Layers;

namespace Containers.Images.Build.Execution;

/// <summary>
/// Writes a build step's layer straight into the content store: the tar goes through the
/// compressor and both digests are taken on the way, so the blob is written once and never
/// copied. A step that turns out to change nothing leaves no blob.
/// </summary>
internal static class LayerBlobs
{
    /// <summary>
    /// Runs <paramref name="fill"/> on a fresh layer writer (it adds entries and completes the
    /// writer), has <paramref name="hold"/> protect the digest from the store's collector, and
    /// commits the blob; null when the layer has no entries.
    /// </summary>
    public static async ValueTask<ILayer?> WriteAsync(IContentStore store, bool dockerMediaTypes, Func<Digest, CancellationToken, Task> hold, Func<LayerWriter, ValueTask<WrittenLayer>> fill, CancellationToken cancellationToken)
    {
        var blob = await store.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            var stream = new ContentWriterStream(blob);
            WrittenLayer written;
            var writer = new LayerWriter(stream, new LayerWriterOptions { Compression = LayerCompression.Gzip, DockerMediaTypes = dockerMediaTypes }, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                written = await fill(writer).ConfigureAwait(false);
            }

            if (written.Entries == 0)
            {
                return null;
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            await hold(written.Digest, cancellationToken).ConfigureAwait(false);
            await blob.CommitAsync(written.Size, written.Digest, cancellationToken).ConfigureAwait(false);
            return Layer(store, written.Digest, written.DiffId, written.Size, written.MediaType);
        }
    }

    /// <summary>The layer of a blob already in <paramref name="store"/>.</summary>
    public static ILayer Layer(IContentProvider store, Digest digest, Digest diffId, long size, MediaType mediaType) =>
        new ContentLayer(store, new Descriptor { MediaType = mediaType, Digest = digest, Size = size }, diffId);
}
