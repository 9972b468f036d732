using System.Formats.Tar;
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

    /// <summary>Tars <paramref name="directory"/> (entries sorted by name) into <paramref name="blobPath"/>.</summary>
    public static async ValueTask<TarballLayer> FromDirectoryAsync(string directory, string blobPath, LayerCompression compression = LayerCompression.Gzip, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(blobPath);
        var root = System.IO.Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new NotFoundException($"directory \"{directory}\" does not exist; give the directory to turn into a layer");
        }

        Digest diffId;
        Digest digest;
        long size;
        var file = new FileStream(blobPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            using var compressedHash = new HashingStream(file, leaveOpen: true);
            var compressor = Compression.OpenCompressing(compressedHash, compression, leaveOpen: true);
            await using (compressor.ConfigureAwait(false))
            {
                using var tarHash = new HashingStream(compressor, leaveOpen: true);
                var writer = new TarWriter(tarHash, TarEntryFormat.Pax, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, ReturnSpecialDirectories = false })
                                 .Order(StringComparer.Ordinal))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var name = System.IO.Path.GetRelativePath(root, path);
                        if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint))
                        {
                            name += "/";
                        }

                        await writer.WriteEntryAsync(path, name, cancellationToken).ConfigureAwait(false);
                    }
                }

                await tarHash.FlushAsync(cancellationToken).ConfigureAwait(false);
                diffId = tarHash.GetDigest();
            }

            await compressedHash.FlushAsync(cancellationToken).ConfigureAwait(false);
            digest = compressedHash.GetDigest();
            size = compressedHash.BytesWritten;
        }

        return new TarballLayer(System.IO.Path.GetFullPath(blobPath), digest, diffId, size, MediaType.LayerFor(compression));
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
