using Containers.Errors;

namespace Containers.Images;

/// <summary>
/// The one implementation of <see cref="IImage"/>: parts in memory, layers behind
/// <see cref="ILayer"/>. The manifest and config bytes are either the ones read (kept exactly, so
/// digests hold) or serialized once, on first use, from the parts.
/// </summary>
public sealed class Image : IImage
{
    private readonly Lazy<byte[]> _rawConfig;
    private readonly Lazy<(ImageManifest Manifest, byte[] Raw, Digest Digest)> _manifest;

    private Image(MediaType mediaType, ImageConfiguration config, byte[]? rawConfig, IReadOnlyList<ILayer> layers,
        IReadOnlyDictionary<string, string>? annotations, ImageManifest? manifest, byte[]? rawManifest)
    {
        MediaType = mediaType;
        Config = config;
        Layers = layers;
        Annotations = annotations;
        _rawConfig = rawConfig is null ? new(() => OciDocuments.Serialize(config)) : new(rawConfig);
        _manifest = manifest is not null && rawManifest is not null
            ? new((manifest, rawManifest, Digest.Compute(rawManifest)))
            : new(BuildManifest);
    }

    public MediaType MediaType { get; }

    public ImageConfiguration Config { get; }

    public IReadOnlyList<ILayer> Layers { get; }

    /// <summary>Annotations of the manifest.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; }

    public ImageManifest Manifest => _manifest.Value.Manifest;

    public ReadOnlyMemory<byte> RawManifest => _manifest.Value.Raw;

    public Digest Digest => _manifest.Value.Digest;

    public ReadOnlyMemory<byte> RawConfig => _rawConfig.Value;

    /// <summary>An image with no layers (Dockerfile's <c>FROM scratch</c>) for a platform.</summary>
    public static Image Empty(Platform? platform = null, MediaType? mediaType = null)
    {
        platform ??= Platform.Current;
        var config = new ImageConfiguration
        {
            OS = platform.OS,
            Architecture = platform.Architecture,
            Variant = platform.Variant,
            Config = new ContainerConfig(),
            RootFs = new RootFs { DiffIds = [] },
        };
        return new Image(mediaType ?? MediaType.OciManifest, config, null, [], null, null, null);
    }

    /// <summary>An image from parts; its manifest and config are serialized when first needed.</summary>
    public static Image FromParts(MediaType mediaType, ImageConfiguration config, IReadOnlyList<ILayer> layers, IReadOnlyDictionary<string, string>? annotations = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layers);
        if (!mediaType.IsManifest)
        {
            throw new InvalidArgumentException($"an image's manifest type must be {MediaType.OciManifest} or {MediaType.DockerManifest}, not \"{mediaType}\"");
        }

        return new Image(mediaType, config, null, layers, annotations, null, null);
    }

    /// <summary>An image read from somewhere, keeping the exact bytes that were read.</summary>
    internal static Image FromRead(ImageManifest manifest, byte[] rawManifest, MediaType mediaType, ImageConfiguration config, byte[] rawConfig, IReadOnlyList<ILayer> layers) =>
        new(mediaType, config, rawConfig, layers, manifest.Annotations, manifest, rawManifest);

    private (ImageManifest, byte[], Digest) BuildManifest()
    {
        var rawConfig = _rawConfig.Value;
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaType,
            Config = new Descriptor
            {
                MediaType = MediaType.IsDocker ? MediaType.DockerConfig : MediaType.OciConfig,
                Digest = Digest.Compute(rawConfig),
                Size = rawConfig.Length,
            },
            Layers = [.. Layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = l.Digest, Size = l.Size })],
            Annotations = Annotations,
        };
        var raw = OciDocuments.Serialize(manifest);
        return (manifest, raw, Digest.Compute(raw));
    }
}
