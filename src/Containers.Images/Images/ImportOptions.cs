namespace Containers.Images;

/// <summary>How a rootfs tarball or directory becomes a one-layer image, as <c>docker import</c> makes it.</summary>
public sealed record ImportOptions
{
    /// <summary>Dockerfile-like lines applied to the config (<c>docker import --change</c>); see <see cref="ConfigChanges"/>.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>The history comment (<c>docker import --message</c>); by default <c>Imported from &lt;source&gt;</c>.</summary>
    public string? Message { get; init; }

    /// <summary>The platform the image says it is for (<c>docker import --platform</c>); this machine's by default.</summary>
    public Platform? Platform { get; init; }

    /// <summary>How the layer blob is compressed.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;
}
