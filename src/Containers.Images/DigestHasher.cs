using System.Security.Cryptography;

namespace Containers.Images;

/// <summary>
/// Hashes data that arrives in pieces into a <see cref="Digest"/>. A sha256 input known to be
/// small is hashed in managed code (<see cref="ManagedSha256"/>), so that reading a manifest or
/// a config does not load OpenSSL; anything else goes through the platform's hash.
/// </summary>
internal sealed class DigestHasher : IDisposable
{
    /// <summary>Inputs up to this size are hashed in managed code: a few microseconds each.</summary>
    public const int ManagedLimit = 64 * 1024;

    private readonly DigestAlgorithm _algorithm;
    private readonly IncrementalHash? _platform;
    private ManagedSha256 _managed;

    private DigestHasher(DigestAlgorithm algorithm, bool managed)
    {
        _algorithm = algorithm;
        if (managed)
        {
            _managed = ManagedSha256.Create();
        }
        else
        {
            _platform = algorithm.CreateIncrementalHash();
        }
    }

    /// <summary>A hasher for <paramref name="algorithm"/>; <paramref name="expectedSize"/>, when known, picks the managed path for small inputs.</summary>
    public static DigestHasher Create(DigestAlgorithm algorithm, long? expectedSize) =>
        new(algorithm, IsManaged(algorithm, expectedSize));

    /// <summary>True when an input of this size is hashed in managed code.</summary>
    public static bool IsManaged(DigestAlgorithm algorithm, long? size) =>
        ReferenceEquals(algorithm, DigestAlgorithm.Sha256) && size is >= 0 and <= ManagedLimit;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_platform is { } platform)
        {
            platform.AppendData(data);
        }
        else
        {
            _managed.Append(data);
        }
    }

    /// <summary>The digest of everything appended; the hasher is spent after.</summary>
    public Digest Finish()
    {
        if (_platform is { } platform)
        {
            return Digest.FromIncrementalHash(_algorithm, platform);
        }

        Span<byte> hash = stackalloc byte[ManagedSha256.HashSize];
        _managed.Finish(hash);
        return Digest.FromHash(_algorithm, hash);
    }

    public void Dispose() => _platform?.Dispose();
}
