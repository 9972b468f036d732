using Containers.Errors;
using Containers.Images.Content;

namespace Containers.Images.Layers;

/// <summary>
/// A layer kept as a blob file on disk, with its digests known. <see cref="FromDirectoryAsync"/>
/// tars a directory and computes the DiffID and the compressed digest in the same pass that
/// writes the blob.
/// </summary>
public sealed class TarballLayer : ILayer
{
    private readonly string _path;

    private TarballLayer(string path, Digest digest, Digest diffId, long size, MediaType mediaType)
    {
        _path = path;
        Digest = digest;
        DiffId = diffId;
        Size = size;
        MediaType = mediaType;
    }

    public Digest Digest { get; }

    public Digest DiffId { get; }

    public long Size { get; }

    public MediaType MediaType { get; }

    /// <summary>Where the blob is on disk.</summary>
    public string Path => _path;

    /// <summary>Writes <paramref name="directory"/> as a layer (entries sorted by name) into <paramref name="blobPath"/>.</summary>
    public static async ValueTask<TarballLayer> FromDirectoryAsync(string directory, string blobPath, LayerCompression compression = LayerCompression.Gzip, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(blobPath);
        var written = await LayerWriter.CreateAsync(directory, blobPath, new LayerWriterOptions { Compression = compression }, cancellationToken).ConfigureAwait(false);
        return new TarballLayer(System.IO.Path.GetFullPath(blobPath), written.Digest, written.DiffId, written.Size, written.MediaType);
    }

    /// <summary>A layer from an existing tar file, compressed or not; its digests are computed by reading it.</summary>
    public static async ValueTask<TarballLayer> FromFileAsync(string path, bool docker = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var head = new byte[4];
        LayerCompression compression;
        Digest digest;
        await using (var file = File.OpenRead(path))
        {
            var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            compression = Compression.Detect(head.AsSpan(0, read));
            file.Position = 0;
            digest = await Digest.ComputeAsync(file, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var diffId = digest;
        if (compression != LayerCompression.None)
        {
            await using var decompressed = Compression.OpenDecompressing(File.OpenRead(path), compression);
            diffId = await Digest.ComputeAsync(decompressed, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return new TarballLayer(System.IO.Path.GetFullPath(path), digest, diffId, new FileInfo(path).Length, MediaType.LayerFor(compression, docker));
    }

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default)
    {
        var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return ValueTask.FromResult<Stream>(new VerifyingStream(file, Digest, Size, "layer file"));
    }

    public async ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default) =>
        Compression.OpenDecompressing(await OpenCompressedAsync(cancellationToken).ConfigureAwait(false), MediaType.Compression!.Value);
}
