using System.Security.Cryptography;

namespace Containers.Images;

/// <summary>
/// A hash algorithm that OCI digests may name. Only the registered ones are accepted: sha256 and
/// sha512. Hashing goes through the platform's crypto library (OpenSSL on Linux), which uses the
/// SHA-NI and AVX2 code paths when the CPU has them.
/// </summary>
public sealed class DigestAlgorithm : IEquatable<DigestAlgorithm>
{
    public static readonly DigestAlgorithm Sha256 = new("sha256", HashAlgorithmName.SHA256, 32);

    public static readonly DigestAlgorithm Sha512 = new("sha512", HashAlgorithmName.SHA512, 64);

    private DigestAlgorithm(string name, HashAlgorithmName hashName, int hashSize)
    {
        Name = name;
        HashName = hashName;
        HashSizeInBytes = hashSize;
    }

    /// <summary>The name as written in a digest: <c>sha256</c>.</summary>
    public string Name { get; }

    /// <summary>The length of the raw hash.</summary>
    public int HashSizeInBytes { get; }

    /// <summary>The exact length of the hex part of a digest of this algorithm.</summary>
    public int HexLength => HashSizeInBytes * 2;

    internal HashAlgorithmName HashName { get; }

    /// <summary>Finds a registered algorithm by its exact name.</summary>
    public static DigestAlgorithm? FromName(ReadOnlySpan<char> name) =>
        name.SequenceEqual("sha256") ? Sha256 : name.SequenceEqual("sha512") ? Sha512 : null;

    /// <summary>Starts an incremental hash for data that arrives in pieces.</summary>
    public IncrementalHash CreateIncrementalHash() => IncrementalHash.CreateHash(HashName);

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/> in one shot.</summary>
    public void HashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (DigestHasher.IsManaged(this, data.Length))
        {
            ManagedSha256.HashData(data, destination);
        }
        else if (ReferenceEquals(this, Sha256))
        {
            SHA256.HashData(data, destination);
        }
        else
        {
            SHA512.HashData(data, destination);
        }
    }

    public bool Equals(DigestAlgorithm? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Name;
}
