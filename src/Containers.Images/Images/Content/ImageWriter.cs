using Containers.Images.Content;

namespace Containers.Images;

/// <summary>Copies an image's blobs into a content store, children first, skipping what is there.</summary>
public static class ImageWriter
{
    /// <summary>Writes layers, config and manifest; returns the manifest's descriptor.</summary>
    public static async ValueTask<Descriptor> WriteAsync(IContentStore store, IImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        foreach (var layer in image.Layers)
        {
            if (await store.ExistsAsync(layer.Digest, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var source = await layer.OpenCompressedAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await store.WriteBlobAsync(source, layer.Size, layer.Digest, cancellationToken).ConfigureAwait(false);
            }
        }

        await store.WriteBlobAsync(image.Manifest.Config.MediaType, image.RawConfig, cancellationToken).ConfigureAwait(false);
        return await store.WriteBlobAsync(image.MediaType, image.RawManifest, cancellationToken).ConfigureAwait(false);
    }
}
