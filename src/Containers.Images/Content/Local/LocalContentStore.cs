using System.Runtime.CompilerServices;
using Containers.Errors;
using Containers.Linux;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Containers.Images.Content.Local;

/// <summary>
/// A content store on the local filesystem, laid out as OCI's <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>
/// so that it can also serve an OCI image layout directly. Writers stream into a private ingest
/// directory; a blob appears under <c>blobs/</c> only through an atomic no-replace rename after
/// its bytes were verified and fsynced, so a crash at any point leaves no partial blob visible.
/// </summary>
public sealed partial class LocalContentStore : IContentStore
{
    private const UnixFileMode ReadOnlyBlob = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public LocalContentStore(IOptions<ContentStoreOptions> options, TimeProvider? timeProvider = null, ILogger<LocalContentStore>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), timeProvider, logger)
    {
    }

    public LocalContentStore(ContentStoreOptions options, TimeProvider? timeProvider = null, ILogger<LocalContentStore>? logger = null)
        : this(options?.Root ?? ContainersPaths.Content, options?.VerifyOnRead ?? true, options?.IngestExpiry ?? TimeSpan.FromHours(1), timeProvider, logger)
    {
    }

    /// <summary>A store rooted at <paramref name="root"/> (it is created if missing).</summary>
    public LocalContentStore(string root, bool verifyOnRead = true, TimeSpan? ingestExpiry = null, TimeProvider? timeProvider = null, ILogger<LocalContentStore>? logger = null)
        : this(Path.Combine(root, "blobs"), Path.Combine(root, "ingest"), verifyOnRead, ingestExpiry, timeProvider, logger)
    {
        Root = Path.GetFullPath(root);
    }

    internal LocalContentStore(string blobsDirectory, string ingestDirectory, bool verifyOnRead, TimeSpan? ingestExpiry, TimeProvider? timeProvider, ILogger<LocalContentStore>? logger)
    {
        BlobsDirectory = Path.GetFullPath(blobsDirectory);
        IngestDirectory = Path.GetFullPath(ingestDirectory);
        Root = Path.GetDirectoryName(BlobsDirectory)!;
        VerifyOnRead = verifyOnRead;
        IngestExpiry = ingestExpiry ?? TimeSpan.FromHours(1);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<LocalContentStore>.Instance;
        Directory.CreateDirectory(BlobsDirectory);
    }

    /// <summary>The directory that holds <c>blobs/</c>.</summary>
    public string Root { get; }

    public string BlobsDirectory { get; }

    public string IngestDirectory { get; }

    public bool VerifyOnRead { get; }

    public TimeSpan IngestExpiry { get; }

    /// <summary>Where a blob lives, whether or not it exists yet. The digest is validated, so the path stays inside the store.</summary>
    public string GetBlobPath(Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new InvalidArgumentException("an empty digest names no blob");
        }

        return Path.Combine(BlobsDirectory, digest.Algorithm.Name, digest.Hex);
    }

    public ValueTask<Stream> OpenReadAsync(Digest digest, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = GetBlobPath(digest);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"blob {digest} is not in the content store at {Root}; pull or write it first", e);
        }

        if (!VerifyOnRead)
        {
            return ValueTask.FromResult<Stream>(file);
        }

        // The size on disk must match too: a truncated or grown file is corrupt.
        return ValueTask.FromResult<Stream>(new VerifyingStream(file, digest, expectedSize ?? file.Length, $"blob in {Root}"));
    }

    /// <summary>
    /// Reads a whole blob of a known size into memory, verified unless <see cref="VerifyOnRead"/> is
    /// off: in one synchronous read, since for the few kilobytes of a manifest or config that beats
    /// async file I/O's round trip through the thread pool.
    /// </summary>
    /// <exception cref="NotFoundException">No blob has that digest.</exception>
    /// <exception cref="DigestMismatchException">The file's size or content is not the blob's.</exception>
    public ValueTask<byte[]> ReadAllAsync(Digest digest, long size, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReadVerified(digest, size));
    }

    private byte[] ReadVerified(Digest digest, long size)
    {
        var path = GetBlobPath(digest);
        byte[] bytes;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var length = RandomAccess.GetLength(handle);
            if (length != size)
            {
                throw new DigestMismatchException(
                    $"blob in {Root} {digest.ToShortString()} has {length} bytes on disk; its descriptor declares {size}; the copy is corrupt: delete it and fetch it again",
                    $"{size} bytes", $"{length} bytes");
            }

            bytes = new byte[size];
            var read = 0;
            while (read < bytes.Length)
            {
                var got = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (got == 0)
                {
                    throw BlobMismatch.Shorter($"blob in {Root}", digest, read, size);
                }

                read += got;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"blob {digest} is not in the content store at {Root}; pull or write it first", e);
        }

        if (VerifyOnRead && Digest.Compute(bytes, digest.Algorithm) is var actual && actual != digest)
        {
            throw BlobMismatch.Content($"blob in {Root}", digest, actual);
        }

        return bytes;
    }

    public ValueTask<IContentWriter> OpenWriterAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var directory = Path.Combine(IngestDirectory, Guid.NewGuid().ToString("N"));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(directory);
                return ValueTask.FromResult<IContentWriter>(new LocalContentWriter(this, directory));
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // An owner that tidies the empty ingest parent (an OCI layout) removed it under us.
            }
        }
    }

    public ValueTask<ContentInfo> InfoAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = new FileInfo(GetBlobPath(digest));
        return info.Exists
            ? ValueTask.FromResult(new ContentInfo(digest, info.Length, info.LastWriteTimeUtc))
            : throw new NotFoundException($"blob {digest} is not in the content store at {Root}");
    }

    public ValueTask<bool> ExistsAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(File.Exists(GetBlobPath(digest)));
    }

    public async IAsyncEnumerable<ContentInfo> WalkAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var algorithm in new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Sha512 })
        {
            var directory = new DirectoryInfo(Path.Combine(BlobsDirectory, algorithm.Name));
            if (!directory.Exists)
            {
                continue;
            }

            foreach (var file in directory.EnumerateFiles())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Digest.TryParse($"{algorithm.Name}:{file.Name}", out var digest))
                {
                    yield return new ContentInfo(digest, file.Length, file.LastWriteTimeUtc);
                }
            }
        }
    }

    public ValueTask DeleteAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = GetBlobPath(digest);
        if (!File.Exists(path))
        {
            throw new NotFoundException($"blob {digest} is not in the content store at {Root}");
        }

        File.Delete(path);
        LogDeleted(_logger, digest);
        return ValueTask.CompletedTask;
    }

    /// <summary>Removes ingests that nobody has touched for <see cref="IngestExpiry"/>: leftovers of crashed writers.</summary>
    public int SweepStaleIngests()
    {
        if (!Directory.Exists(IngestDirectory))
        {
            return 0;
        }

        var cutoff = _time.GetUtcNow() - IngestExpiry;
        var removed = 0;
        foreach (var directory in new DirectoryInfo(IngestDirectory).EnumerateDirectories())
        {
            var touched = directory.EnumerateFiles().Select(f => f.LastWriteTimeUtc).DefaultIfEmpty(directory.LastWriteTimeUtc).Max();
            if (touched < cutoff.UtcDateTime)
            {
                directory.Delete(recursive: true);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Publishes a verified, fsynced ingest file under its digest.</summary>
    internal void Publish(string dataPath, Digest digest)
    {
        var target = GetBlobPath(digest);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(dataPath, ReadOnlyBlob);
        try
        {
            // No-replace: a concurrent writer of the same blob may have won; its copy is as good.
            File.Move(dataPath, target, overwrite: false);
            FileSystemSync.SyncDirectory(directory);
            LogCommitted(_logger, digest);
        }
        catch (IOException) when (File.Exists(target))
        {
            LogAlreadyExists(_logger, digest);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Committed blob {Digest}")]
    private static partial void LogCommitted(ILogger logger, Digest digest);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Blob {Digest} already existed; kept the committed copy")]
    private static partial void LogAlreadyExists(ILogger logger, Digest digest);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Deleted blob {Digest}")]
    private static partial void LogDeleted(ILogger logger, Digest digest);
}
