using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Containers.Errors;

namespace Containers.Images;

/// <summary>
/// A validated content digest such as <c>sha256:9f86…</c>. The value is checked when it is built
/// (registered algorithm, exact hex length, lowercase hex only), so a <see cref="Digest"/> can be
/// used as a file name inside a store without further checks.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest : ISpanParsable<Digest>
{
    private const int StreamBufferSize = 1 << 20;
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private readonly string? _value;

    private Digest(string value, DigestAlgorithm algorithm)
    {
        _value = value;
        Algorithm = algorithm;
    }

    /// <summary>The hash algorithm; null only for <c>default(Digest)</c>.</summary>
    public DigestAlgorithm Algorithm { get; }

    /// <summary>The lowercase hex part, without the algorithm.</summary>
    public string Hex => _value is null ? string.Empty : _value[(Algorithm.Name.Length + 1)..];

    /// <summary>True for <c>default(Digest)</c>, which names nothing.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Parses and validates a digest; throws <see cref="InvalidArgumentException"/> naming what is wrong.</summary>
    public static Digest Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParseCore(value, out var digest, out var error)
            ? digest
            : throw new InvalidArgumentException(error);
    }

    public static Digest Parse(ReadOnlySpan<char> value) =>
        TryParseCore(value, out var digest, out var error)
            ? digest
            : throw new InvalidArgumentException(error);

    static Digest IParsable<Digest>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static Digest ISpanParsable<Digest>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        return value is not null && TryParseCore(value, out digest, out _);
    }

    public static bool TryParse(ReadOnlySpan<char> value, out Digest digest) => TryParseCore(value, out digest, out _);

    static bool IParsable<Digest>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Digest result) =>
        TryParse(s, out result);

    static bool ISpanParsable<Digest>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Digest result) =>
        TryParse(s, out result);

    /// <summary>Builds a digest from a raw hash that the caller computed.</summary>
    public static Digest FromHash(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (hash.Length != algorithm.HashSizeInBytes)
        {
            throw new InvalidArgumentException(
                $"a {algorithm.Name} hash is {algorithm.HashSizeInBytes} bytes, not {hash.Length}");
        }

        return new Digest(string.Concat(algorithm.Name, ":", Convert.ToHexStringLower(hash)), algorithm);
    }

    /// <summary>Hashes bytes in memory.</summary>
    public static Digest Compute(ReadOnlySpan<byte> data, DigestAlgorithm? algorithm = null)
    {
        algorithm ??= DigestAlgorithm.Sha256;
        Span<byte> hash = stackalloc byte[64];
        hash = hash[..algorithm.HashSizeInBytes];
        algorithm.HashData(data, hash);
        return FromHash(algorithm, hash);
    }

    /// <summary>Hashes a stream to its end, reading through one pooled buffer.</summary>
    public static async ValueTask<Digest> ComputeAsync(
        Stream stream, DigestAlgorithm? algorithm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        algorithm ??= DigestAlgorithm.Sha256;
        using var hash = algorithm.CreateIncrementalHash();
        var buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, StreamBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return FromIncrementalHash(algorithm, hash);
    }

    /// <summary>Finishes an incremental hash into a digest.</summary>
    public static Digest FromIncrementalHash(DigestAlgorithm algorithm, IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> raw = stackalloc byte[64];
        var written = hash.GetHashAndReset(raw);
        return FromHash(algorithm, raw[..written]);
    }

    /// <summary>True when <paramref name="data"/> hashes to this digest.</summary>
    public bool Matches(ReadOnlySpan<byte> data) => !IsEmpty && Compute(data, Algorithm) == this;

    public override string ToString() => _value ?? string.Empty;

    /// <summary>A short form for messages: the algorithm and the first 12 hex characters.</summary>
    public string ToShortString() => _value is null ? "<none>" : $"{Algorithm.Name}:{Hex[..Math.Min(12, Hex.Length)]}";

    public bool Equals(Digest other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    public override int GetHashCode() => _value is null ? 0 : _value.GetHashCode(StringComparison.Ordinal);

    private static bool TryParseCore(ReadOnlySpan<char> value, out Digest digest, [NotNullWhen(false)] out string? error)
    {
        digest = default;
        var shown = value.Length > 80 ? string.Concat(value[..80], "…") : value.ToString();
        var colon = value.IndexOf(':');
        if (colon <= 0)
        {
            error = $"digest \"{shown}\" must have the form <algorithm>:<hex>, such as sha256:<64 hex characters>";
            return false;
        }

        var algorithm = DigestAlgorithm.FromName(value[..colon]);
        if (algorithm is null)
        {
            error = $"digest \"{shown}\" uses the unsupported algorithm \"{value[..colon]}\"; use sha256 or sha512";
            return false;
        }

        var hex = value[(colon + 1)..];
        var bad = hex.IndexOfAnyExcept(LowerHex);
        if (bad >= 0)
        {
            var what = char.IsAsciiHexDigitUpper(hex[bad]) ? "upper-case hex is not allowed" : "not a lowercase hex digit";
            error = $"digest \"{shown}\" has '{hex[bad]}' at position {colon + 1 + bad}: {what}";
            return false;
        }

        if (hex.Length != algorithm.HexLength)
        {
            error = $"digest \"{shown}\" has {hex.Length} hex characters; {algorithm.Name} needs exactly {algorithm.HexLength}";
            return false;
        }

        error = null;
        var text = value.ToString();
        digest = new Digest(text, algorithm);
        return true;
    }
}
