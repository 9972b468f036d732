using System.Security.Cryptography;
using Containers.Errors;

namespace Containers.Images.Content.Local;

/// <summary>Streams one blob into its own ingest directory, hashing as it writes.</summary>
internal sealed class LocalContentWriter : IContentWriter
{
    private readonly LocalContentStore _store;
    private readonly string _directory;
    private readonly string _dataPath;
    private readonly FileStream _file;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private IncrementalHash? _sha512;
    private bool _committed;
    private bool _disposed;

    public LocalContentWriter(LocalContentStore store, string directory)
    {
        _store = store;
        _directory = directory;
        _dataPath = Path.Combine(directory, "data");
        _file = new FileStream(_dataPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
    }

    public long Written { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new FailedPreconditionException("this blob writer has committed already; open a new one");
        }

        _sha256.AppendData(data.Span);
        _sha512?.AppendData(data.Span);
        await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        Written += data.Length;
    }

    /// <summary>Hash with sha512 as well (before the first write), for content named by a sha512 digest.</summary>
    public void AlsoHashSha512()
    {
        if (Written != 0)
        {
            throw new FailedPreconditionException("sha512 hashing must be asked for before the first write");
        }

        _sha512 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
    }

    public async ValueTask<Digest> CommitAsync(long? expectedSize = null, Digest? expectedDigest = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new FailedPreconditionException("this blob writer has committed already");
        }

        if (expectedSize is { } size && size != Written)
        {
            throw new DigestMismatchException(
                $"blob {expectedDigest?.ToShortString() ?? "being written"} is {Written} bytes but {size} were expected; nothing was committed",
                $"{size} bytes", $"{Written} bytes");
        }

        var algorithm = expectedDigest is { IsEmpty: false } e ? e.Algorithm : DigestAlgorithm.Sha256;
        if (algorithm == DigestAlgorithm.Sha512 && _sha512 is null)
        {
            throw new FailedPreconditionException("a sha512 digest can only be checked when the writer was asked to hash sha512 before writing");
        }

        var actual = Digest.FromIncrementalHash(algorithm, algorithm == DigestAlgorithm.Sha512 ? _sha512! : _sha256);
        if (expectedDigest is { IsEmpty: false } wanted && wanted != actual)
        {
            throw new DigestMismatchException(
                $"blob expected as {wanted} hashes to {actual}; nothing was committed",
                wanted.ToString(), actual.ToString());
        }

        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync().ConfigureAwait(false);
        _store.Publish(_dataPath, actual);
        _committed = true;
        return actual;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _file.DisposeAsync().ConfigureAwait(false);
        _sha256.Dispose();
        _sha512?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
