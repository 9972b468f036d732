using Containers.Images.Layers.Tar;

namespace Containers.Images.Layers;

/// <summary>How a layer is encoded.</summary>
public sealed record LayerWriterOptions
{
    public static LayerWriterOptions Default { get; } = new();

    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>
    /// Same tree, same digest: every mtime becomes <see cref="SourceDateEpoch"/> (entries are always
    /// sorted and owner names never written, so nothing else varies between runs).
    /// </summary>
    public bool Reproducible { get; init; }

    /// <summary>The mtime of every entry in reproducible mode; from <c>SOURCE_DATE_EPOCH</c> when set, else the epoch.</summary>
    public UnixTime SourceDateEpoch { get; init; } = FromEnvironment();

    /// <summary>Label the layer with Docker schema 2 media types instead of OCI ones.</summary>
    public bool DockerMediaTypes { get; init; }

    private static UnixTime FromEnvironment() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? new UnixTime(seconds, 0)
            : UnixTime.Epoch;
}
