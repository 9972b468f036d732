using Containers.Errors;
using Containers.Images.Content;

namespace Containers.Images;

/// <summary>Opens images and indexes whose blobs a content provider holds, verifying every blob it reads.</summary>
public static class ImageLoader
{
    /// <summary>Opens the image a manifest descriptor names.</summary>
    public static async ValueTask<IImage> LoadImageAsync(IContentProvider provider, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(descriptor);
        var raw = await provider.ReadBlobAsync(descriptor, OciDocuments.MaxManifestSize, cancellationToken).ConfigureAwait(false);
        var manifest = OciDocuments.ParseManifest(raw, descriptor.MediaType, $"manifest {descriptor.Digest}");
        var mediaType = manifest.MediaType ?? descriptor.MediaType;
        if (!manifest.Config.MediaType.IsConfig && manifest.ArtifactType is null)
        {
            throw new InvalidArgumentException($"manifest {descriptor.Digest} has config media type \"{manifest.Config.MediaType}\", which is not an image config");
        }

        var rawConfig = await provider.ReadBlobAsync(manifest.Config, OciDocuments.MaxConfigSize, cancellationToken).ConfigureAwait(false);
        var config = OciDocuments.ParseConfig(rawConfig, $"config {manifest.Config.Digest}");
        if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
        {
            throw new InvalidArgumentException(
                $"image {descriptor.Digest} has {manifest.Layers.Count} layers but its config lists {config.RootFs.DiffIds.Count} diff_ids");
        }

        var layers = manifest.Layers.Select((layer, i) => (ILayer)new ContentLayer(provider, layer, config.RootFs.DiffIds[i])).ToList();
        return Image.FromRead(manifest, raw, mediaType, config, rawConfig, layers);
    }

    /// <summary>Opens the index an index descriptor names.</summary>
    public static async ValueTask<IImageIndex> LoadIndexAsync(IContentProvider provider, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(descriptor);
        var raw = await provider.ReadBlobAsync(descriptor, OciDocuments.MaxManifestSize, cancellationToken).ConfigureAwait(false);
        var index = OciDocuments.ParseIndex(raw, descriptor.MediaType, $"index {descriptor.Digest}");
        return new ContentImageIndex(provider, index, raw, index.MediaType ?? descriptor.MediaType);
    }

    /// <summary>
    /// Opens an image from a descriptor that may be an index: an index is resolved to the manifest
    /// for <paramref name="platform"/> (the current one by default), through nested indexes, but
    /// never into a loop.
    /// </summary>
    public static async ValueTask<IImage> LoadImageForPlatformAsync(IContentProvider provider, Descriptor descriptor, Platform? platform = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var seen = new HashSet<Digest>();
        while (descriptor.MediaType.IsIndex)
        {
            if (!seen.Add(descriptor.Digest) || seen.Count > 8)
            {
                throw new InvalidArgumentException($"index {descriptor.Digest} refers back to itself or nests too deep; refusing to follow it");
            }

            var index = await LoadIndexAsync(provider, descriptor, cancellationToken).ConfigureAwait(false);
            descriptor = index.Index.PickPlatform(platform ?? Platform.Current, index.Digest);
        }

        return await LoadImageAsync(provider, descriptor, cancellationToken).ConfigureAwait(false);
    }

    private sealed class ContentImageIndex(IContentProvider provider, ImageIndex index, byte[] raw, MediaType mediaType) : IImageIndex
    {
        public MediaType MediaType => mediaType;

        public ImageIndex Index => index;

        public ReadOnlyMemory<byte> RawIndex => raw;

        public Digest Digest { get; } = Digest.Compute(raw);

        public ValueTask<IImage> GetImageAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
            LoadImageAsync(provider, Child(descriptor), cancellationToken);

        public ValueTask<IImageIndex> GetIndexAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
            LoadIndexAsync(provider, Child(descriptor), cancellationToken);

        private Descriptor Child(Descriptor descriptor) =>
            index.Manifests.Contains(descriptor)
                ? descriptor
                : throw new NotFoundException($"index {Digest} has no child {descriptor.Digest}");
    }
}
