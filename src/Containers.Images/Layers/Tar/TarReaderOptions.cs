namespace Containers.Images.Layers.Tar;

/// <summary>
/// The limits a tar stream from outside must keep. Every limit names itself and <see cref="Subject"/>
/// when it is broken, so a user can tell which layer went wrong and which knob to turn.
/// </summary>
public sealed record TarReaderOptions
{
    public static TarReaderOptions Default { get; } = new();

    /// <summary>What the stream is, for errors: <c>layer sha256:ab…</c>, a file name.</summary>
    public string Subject { get; init; } = "tar stream";

    /// <summary>Uncompressed bytes, headers and padding included.</summary>
    public long MaxBytes { get; init; } = 64L << 30;

    public long MaxEntries { get; init; } = 4_000_000;

    /// <summary>The size of one PAX extended header, or of a GNU long name.</summary>
    public int MaxPaxHeaderSize { get; init; } = 1 << 20;

    /// <summary>Bytes in a name or link target (Linux's PATH_MAX).</summary>
    public int MaxPathLength { get; init; } = 4096;
}
