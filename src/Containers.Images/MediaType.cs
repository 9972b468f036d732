using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>
/// A media type as OCI and Docker spell them. Only the kind of a document or blob is read from
/// it; parameters are kept as given.
/// </summary>
[JsonConverter(typeof(MediaTypeJsonConverter))]
public readonly record struct MediaType(string Value)
{
    public static readonly MediaType OciManifest = new("application/vnd.oci.image.manifest.v1+json");
    public static readonly MediaType OciIndex = new("application/vnd.oci.image.index.v1+json");
    public static readonly MediaType OciConfig = new("application/vnd.oci.image.config.v1+json");
    public static readonly MediaType OciLayer = new("application/vnd.oci.image.layer.v1.tar");
    public static readonly MediaType OciLayerGzip = new("application/vnd.oci.image.layer.v1.tar+gzip");
    public static readonly MediaType OciLayerZstd = new("application/vnd.oci.image.layer.v1.tar+zstd");
    public static readonly MediaType OciLayerNondistributable = new("application/vnd.oci.image.layer.nondistributable.v1.tar");
    public static readonly MediaType OciLayerNondistributableGzip = new("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");
    public static readonly MediaType OciLayerNondistributableZstd = new("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd");
    public static readonly MediaType OciEmpty = new("application/vnd.oci.empty.v1+json");

    public static readonly MediaType DockerManifest = new("application/vnd.docker.distribution.manifest.v2+json");
    public static readonly MediaType DockerManifestList = new("application/vnd.docker.distribution.manifest.list.v2+json");
    public static readonly MediaType DockerConfig = new("application/vnd.docker.container.image.v1+json");
    public static readonly MediaType DockerLayer = new("application/vnd.docker.image.rootfs.diff.tar");
    public static readonly MediaType DockerLayerGzip = new("application/vnd.docker.image.rootfs.diff.tar.gzip");
    public static readonly MediaType DockerForeignLayerGzip = new("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

    /// <summary>The type without parameters (<c>; charset=…</c>).</summary>
    public string Essence => Value is null ? string.Empty : Value.Split(';', 2)[0].Trim();

    /// <summary>An image manifest, OCI or Docker schema 2.</summary>
    public bool IsManifest => this == OciManifest || this == DockerManifest;

    /// <summary>An index or a manifest list.</summary>
    public bool IsIndex => this == OciIndex || this == DockerManifestList;

    /// <summary>An image configuration blob.</summary>
    public bool IsConfig => this == OciConfig || this == DockerConfig;

    /// <summary>A filesystem layer in any of the known encodings.</summary>
    public bool IsLayer => Compression is not null;

    /// <summary>Whether OCI allows the layer to be left out of pushes.</summary>
    public bool IsNondistributable =>
        this == OciLayerNondistributable || this == OciLayerNondistributableGzip ||
        this == OciLayerNondistributableZstd || this == DockerForeignLayerGzip;

    /// <summary>How a layer of this type is compressed, or null when this is not a layer type.</summary>
    public LayerCompression? Compression
    {
        get
        {
            if (this == OciLayer || this == OciLayerNondistributable || this == DockerLayer)
            {
                return LayerCompression.None;
            }

            if (this == OciLayerGzip || this == OciLayerNondistributableGzip || this == DockerLayerGzip || this == DockerForeignLayerGzip)
            {
                return LayerCompression.Gzip;
            }

            if (this == OciLayerZstd || this == OciLayerNondistributableZstd)
            {
                return LayerCompression.Zstd;
            }

            return null;
        }
    }

    /// <summary>True for Docker's schema 2 family, false for OCI and others.</summary>
    public bool IsDocker => Essence.StartsWith("application/vnd.docker.", StringComparison.Ordinal);

    /// <summary>The layer type of the same family for a compression.</summary>
    public static MediaType LayerFor(LayerCompression compression, bool docker = false) => (compression, docker) switch
    {
        (LayerCompression.None, false) => OciLayer,
        (LayerCompression.Gzip, false) => OciLayerGzip,
        (LayerCompression.Zstd, false) => OciLayerZstd,
        (LayerCompression.None, true) => DockerLayer,
        (LayerCompression.Gzip, true) => DockerLayerGzip,
        _ => throw new Errors.InvalidArgumentException($"Docker schema 2 has no media type for {compression} layers; use an OCI manifest"),
    };

    public bool Equals(MediaType other) => string.Equals(Essence, other.Essence, StringComparison.Ordinal);

    public override int GetHashCode() => Essence.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Value ?? string.Empty;
}
