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

    /// <summary>
    /// Makes a layer of the entries of the tar archive at <paramref name="archive"/>, as <c>docker
    /// import</c> does: plain, gzip, bzip2 or zstd, sniffed from its first bytes (see
    /// <see cref="ArchiveDecompression"/>). Every entry is read with our <see cref="Tar.TarReader"/>
    /// and written again with our <see cref="Tar.TarWriter"/>, so xattrs, large ids and nanosecond
    /// times pass unchanged, and the DiffID and digest are computed in the same pass. Names lose a
    /// leading <c>./</c> or <c>/</c>, and the archive's root entry (<c>./</c>) is left out.
    /// </summary>
    /// <exception cref="NotFoundException">There is no such archive.</exception>
    /// <exception cref="InvalidArgumentException">The archive is xz-compressed, does not decompress, is not a tar, or has a path that leaves the root.</exception>
    public static async ValueTask<TarballLayer> FromArchiveAsync(string archive, string blobPath, LayerCompression compression = LayerCompression.Gzip, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(archive);
        ArgumentException.ThrowIfNullOrEmpty(blobPath);
        var (tar, archiveCompression) = await ArchiveDecompression.OpenAsync(archive, cancellationToken).ConfigureAwait(false);
        return await FromTarAsync(tar, archiveCompression, archive, blobPath, compression, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="FromArchiveAsync(string, string, LayerCompression, CancellationToken)"/>, from a
    /// stream read forward once (standard input, an upload); the stream is left open.
    /// </summary>
    /// <param name="name">What the archive is called in errors (<c>-</c> for standard input).</param>
    public static async ValueTask<TarballLayer> FromArchiveAsync(Stream archive, string name, string blobPath, LayerCompression compression = LayerCompression.Gzip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrEmpty(blobPath);
        var (tar, archiveCompression) = await ArchiveDecompression.OpenAsync(archive, name, cancellationToken).ConfigureAwait(false);
        return await FromTarAsync(tar, archiveCompression, name, blobPath, compression, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A layer of a blob <see cref="LayerWriter"/> has just written to <paramref name="blobPath"/>.</summary>
    internal static TarballLayer FromWritten(string blobPath, WrittenLayer written) =>
        new(System.IO.Path.GetFullPath(blobPath), written.Digest, written.DiffId, written.Size, written.MediaType);

    private static async ValueTask<TarballLayer> FromTarAsync(Stream tar, ArchiveCompression archiveCompression, string archive, string blobPath, LayerCompression compression, CancellationToken cancellationToken)
    {
        var reader = new Tar.TarReader(tar, new Tar.TarReaderOptions { Subject = $"archive \"{archive}\"" });
        await using (reader.ConfigureAwait(false))
        {
            try
            {
                return FromWritten(blobPath, await WriteAsync(blobPath, compression, reader, archive, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (archiveCompression != ArchiveCompression.None && ArchiveDecompression.IsCorruption(e))
            {
                throw ArchiveDecompression.Corrupt(archive, archiveCompression, e);
            }
        }
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

    private static async ValueTask<WrittenLayer> WriteAsync(string blobPath, LayerCompression compression, Tar.TarReader reader, string archive, CancellationToken cancellationToken)
    {
        var file = new FileStream(blobPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            var writer = new LayerWriter(file, new LayerWriterOptions { Compression = compression });
            await using (writer.ConfigureAwait(false))
            {
                while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (NormalizeName(entry.Name, archive) is not { } name)
                    {
                        continue;
                    }

                    var linkName = entry.Type == Tar.TarEntryType.HardLink && entry.LinkName is { } target
                        ? NormalizeName(target, archive) ?? target
                        : entry.LinkName;
                    await writer.AddEntryAsync(entry with { Name = name, LinkName = linkName }, reader, cancellationToken).ConfigureAwait(false);
                }

                return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            File.Delete(blobPath);
            throw;
        }
    }

    /// <summary>"./usr/bin/" and "/usr/bin/" become "usr/bin/"; the root itself becomes null.</summary>
    private static string? NormalizeName(string name, string archive)
    {
        var trimmed = name.AsSpan();
        while (true)
        {
            if (trimmed.StartsWith("./", StringComparison.Ordinal))
            {
                trimmed = trimmed[2..];
            }
            else if (trimmed.StartsWith('/'))
            {
                trimmed = trimmed[1..];
            }
            else
            {
                break;
            }
        }

        if (trimmed.IsEmpty || trimmed is ".")
        {
            return null;
        }

        foreach (var range in trimmed.Split('/'))
        {
            if (trimmed[range] is "..")
            {
                throw new InvalidArgumentException($"archive \"{archive}\" has entry \"{name}\", which escapes the root with \"..\"; a layer holds only paths inside the root");
            }
        }

        return trimmed.ToString();
    }

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default)
    {
        var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return ValueTask.FromResult<Stream>(new VerifyingStream(file, Digest, Size, "layer file"));
    }

    public async ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default) =>
        Compression.OpenDecompressing(await OpenCompressedAsync(cancellationToken).ConfigureAwait(false), MediaType.Compression!.Value);
}
