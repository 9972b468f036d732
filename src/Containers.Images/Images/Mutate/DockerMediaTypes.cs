using Containers.Errors;

namespace Containers.Images;

/// <summary>
/// Restates an OCI image in Docker schema 2 media types, as <c>docker load</c> and old registries
/// want it. The config bytes (and so the image ID) and the layer blobs stay exactly as they are;
/// only the manifest is rewritten. Schema 2 has no annotations and no zstd, so those cannot come along.
/// </summary>
internal static class DockerMediaTypes
{
    public static IImage Convert(IImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.MediaType == MediaType.DockerManifest)
        {
            return image;
        }

        var layers = image.Layers.Select(l => (ILayer)new RetypedLayer(l, DockerLayerType(image, l))).ToList();
        var rawConfig = image.RawConfig.ToArray();
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaType.DockerManifest,
            Config = new Descriptor { MediaType = MediaType.DockerConfig, Digest = image.Manifest.Config.Digest, Size = rawConfig.Length },
            Layers = [.. layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = l.Digest, Size = l.Size })],
        };
        return Image.FromRead(manifest, OciDocuments.Serialize(manifest), MediaType.DockerManifest, image.Config, rawConfig, layers);
    }

    private static MediaType DockerLayerType(IImage image, ILayer layer) => layer.MediaType.Compression switch
    {
        LayerCompression.None => MediaType.DockerLayer,
        LayerCompression.Gzip => layer.MediaType.IsNondistributable ? MediaType.DockerForeignLayerGzip : MediaType.DockerLayerGzip,
        LayerCompression.Zstd => throw new InvalidArgumentException(
            $"image {image.Digest} has zstd layer {layer.Digest}, which Docker schema 2 cannot carry; write an OCI archive instead, or recompress the layer with gzip"),
        _ => throw new InvalidArgumentException($"image {image.Digest} has blob {layer.Digest} of media type \"{layer.MediaType}\", which is not a layer"),
    };

    /// <summary>The same blob under another media type.</summary>
    private sealed class RetypedLayer(ILayer inner, MediaType mediaType) : ILayer
    {
        public Digest Digest => inner.Digest;

        public Digest DiffId => inner.DiffId;

        public long Size => inner.Size;

        public MediaType MediaType => mediaType;

        public ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default) => inner.OpenCompressedAsync(cancellationToken);

        public ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default) => inner.OpenUncompressedAsync(cancellationToken);
    }
}
