using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Containers.Errors;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.BZip2;

namespace Containers.Images.Layers;

/// <summary>
/// How a tar archive from outside is compressed: a file given to <c>image import</c> or to ADD.
/// Layers themselves come only as <see cref="LayerCompression"/>; archives also come as bzip2 and xz.
/// </summary>
public enum ArchiveCompression
{
    None,
    Gzip,
    Bzip2,
    Zstd,
    Xz,
}

/// <summary>
/// Sniffs an archive's compression from its magic bytes and opens it as a tar stream. gzip and zstd
/// use the layer codecs (the BCL's zlib-ng <see cref="GZipStream"/> measured faster than
/// SharpZipLib's; see benchmarks/README.md), bzip2 uses SharpZipLib, and xz is refused with a
/// message that says what to do.
/// </summary>
internal static class ArchiveDecompression
{
    /// <summary>Bytes <see cref="Detect"/> needs to tell every format apart (xz's magic is six).</summary>
    public const int MagicLength = 6;

    /// <summary>gzip and zstd as <see cref="Compression.Detect"/> tells them for layers; bzip2 and xz only archives have.</summary>
    public static ArchiveCompression Detect(ReadOnlySpan<byte> head) => Compression.Detect(head) switch
    {
        LayerCompression.Gzip => ArchiveCompression.Gzip,
        LayerCompression.Zstd => ArchiveCompression.Zstd,
        _ => head switch
        {
            [(byte)'B', (byte)'Z', (byte)'h', >= (byte)'1' and <= (byte)'9', ..] => ArchiveCompression.Bzip2,
            [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => ArchiveCompression.Xz,
            _ => ArchiveCompression.None,
        },
    };

    /// <summary>Opens the archive at <paramref name="path"/> and returns its tar, decompressed as it is read.</summary>
    /// <exception cref="NotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidArgumentException">The archive is xz-compressed.</exception>
    public static async ValueTask<(Stream Tar, ArchiveCompression Compression)> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new NotFoundException($"archive \"{path}\" does not exist");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var head = new byte[MagicLength];
            var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var compression = Detect(head.AsSpan(0, read));
            file.Position = 0;
            return (OpenDecompressing(file, compression, path), compression);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads the tar out of <paramref name="archive"/>, decompressed as it is read, sniffing the
    /// compression from its first bytes. The stream is read forward only and left open: bzip2
    /// streams after the first one are not read from it.
    /// </summary>
    /// <param name="name">What the archive is called in errors.</param>
    /// <exception cref="InvalidArgumentException">The archive is xz-compressed.</exception>
    public static async ValueTask<(Stream Tar, ArchiveCompression Compression)> OpenAsync(Stream archive, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var head = new byte[MagicLength];
        var read = await archive.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var compression = Detect(head.AsSpan(0, read));
        return (OpenDecompressing(new Compression.PrefixedStream(head.AsMemory(0, read), archive, leaveOpen: true), compression, name), compression);
    }

    /// <summary>
    /// Wraps <paramref name="compressed"/> (positioned at the magic bytes) so that reading it yields
    /// the tar; disposing the result disposes <paramref name="compressed"/>. bzip2 streams one after
    /// another, as pbzip2 writes them, are read as one if <paramref name="compressed"/> can seek.
    /// </summary>
    /// <param name="name">What the archive is called in errors: its path, as the user gave it.</param>
    public static Stream OpenDecompressing(Stream compressed, ArchiveCompression compression, string name) => compression switch
    {
        ArchiveCompression.None => compressed,
        ArchiveCompression.Gzip => Compression.OpenDecompressing(compressed, LayerCompression.Gzip),
        ArchiveCompression.Zstd => Compression.OpenDecompressing(compressed, LayerCompression.Zstd),
        ArchiveCompression.Bzip2 => OpenBzip2(compressed, name),
        ArchiveCompression.Xz => throw new InvalidArgumentException($"archive \"{name}\" is xz-compressed, which is not supported; decompress it first (xz -d)"),
        _ => throw new InvalidArgumentException($"unknown archive compression {compression}"),
    };

    /// <summary>Whether <paramref name="exception"/> is what a decompressor throws for input it cannot decompress.</summary>
    public static bool IsCorruption(Exception exception) =>
        exception is InvalidDataException or EndOfStreamException or SharpZipBaseException or ZstdSharp.ZstdException;

    /// <summary>The error for an archive whose compressed bytes are bad.</summary>
    public static InvalidArgumentException Corrupt(string name, ArchiveCompression compression, Exception exception) =>
        new($"archive \"{name}\" is {Describe(compression)}-compressed but does not decompress ({exception.Message}); it is corrupt or truncated", exception);

    private static string Describe(ArchiveCompression compression) => compression switch
    {
        ArchiveCompression.Gzip => "gzip",
        ArchiveCompression.Bzip2 => "bzip2",
        ArchiveCompression.Zstd => "zstd",
        ArchiveCompression.Xz => "xz",
        _ => compression.ToString(),
    };

    private static ConcatenatedBZip2Stream OpenBzip2(Stream compressed, string name)
    {
        try
        {
            // BZip2InputStream reads the stream header as it is made.
            return new ConcatenatedBZip2Stream(compressed);
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw Corrupt(name, ArchiveCompression.Bzip2, e);
        }
    }

    /// <summary>
    /// bzip2 streams one after another, as pbzip2 writes them. SharpZipLib's
    /// <see cref="BZip2InputStream"/> stops at the end of the first stream, having read the source
    /// exactly to that end, so a new one starts wherever another "BZh" header follows.
    /// </summary>
    private sealed class ConcatenatedBZip2Stream(Stream source) : ReadOnlyStream
    {
        private BZip2InputStream? _current = new(source) { IsStreamOwner = false };

        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            while (_current is not null && count > 0)
            {
                var read = _current.Read(buffer, offset, count);
                if (read > 0)
                {
                    return read;
                }

                _current.Dispose();
                _current = NextStream();
            }

            return 0;
        }

        public override int Read(Span<byte> buffer)
        {
            // BZip2InputStream reads only into arrays.
            var array = ArrayPool<byte>.Shared.Rent(buffer.Length);
            try
            {
                var read = Read(array, 0, buffer.Length);
                array.AsSpan(0, read).CopyTo(buffer);
                return read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }

        // The decompressor reads its source byte by byte and synchronously; an async read would only add a hop.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(MemoryMarshal.TryGetArray<byte>(buffer, out var segment)
                ? Read(segment.Array!, segment.Offset, segment.Count)
                : Read(buffer.Span));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _current?.Dispose();
                _current = null;
                source.Dispose();
            }

            base.Dispose(disposing);
        }

        private BZip2InputStream? NextStream()
        {
            if (!source.CanSeek)
            {
                return null;
            }

            Span<byte> head = stackalloc byte[4];
            var start = source.Position;
            var read = source.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            source.Position = start;
            return Detect(head[..read]) == ArchiveCompression.Bzip2 ? new BZip2InputStream(source) { IsStreamOwner = false } : null;
        }
    }
}
