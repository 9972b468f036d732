using System.Text;
using System.Text.Json;
using Containers.Errors;

namespace Containers.Images.Tests;

public sealed class DigestTests
{
    // Known answers: FIPS 180-2 test vectors and the hash of nothing.
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string AbcSha512 =
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

    [TestCase("sha256:" + AbcSha256, "sha256", AbcSha256)]
    [TestCase("sha512:" + AbcSha512, "sha512", AbcSha512)]
    public void Parse_ValidDigest_KeepsAlgorithmAndHex(string text, string algorithm, string hex)
    {
        var digest = Digest.Parse(text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(digest.Algorithm.Name, Is.EqualTo(algorithm));
            Assert.That(digest.Hex, Is.EqualTo(hex));
            Assert.That(digest.ToString(), Is.EqualTo(text));
            Assert.That(digest.IsEmpty, Is.False);
        }
    }

    [TestCase("sha256:" + AbcSha256)]
    [TestCase("sha512:" + AbcSha512)]
    public void TryParse_ValidDigest_SucceedsFromStringAndSpan(string text)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Digest.TryParse(text, out var fromString), Is.True);
            Assert.That(fromString.ToString(), Is.EqualTo(text));
            Assert.That(Digest.TryParse(text.AsSpan(), out var fromSpan), Is.True);
            Assert.That(fromSpan, Is.EqualTo(fromString));
            Assert.That(Digest.Parse(text.AsSpan()), Is.EqualTo(fromString));
        }
    }

    [TestCase("sha256:../x", "'.' at position 7", "not a lowercase hex digit")]
    [TestCase("sha256:e3b0c44298fC1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "'C' at position 18", "upper-case hex is not allowed")]
    [TestCase("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", "63 hex characters", "sha256 needs exactly 64")]
    [TestCase("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", "65 hex characters", "sha256 needs exactly 64")]
    [TestCase("md5:900150983cd24fb0d6963f7d28e17f72", "unsupported algorithm \"md5\"", "use sha256 or sha512")]
    [TestCase("sha256" + EmptySha256, "must have the form <algorithm>:<hex>", "sha256:<64 hex characters>")]
    [TestCase("", "must have the form <algorithm>:<hex>", "sha256:<64 hex characters>")]
    [TestCase(":" + EmptySha256, "must have the form <algorithm>:<hex>", "sha256:<64 hex characters>")]
    public void Parse_InvalidDigest_ThrowsNamingTheValueAndTheProblem(string text, string problem, string hint)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Digest.Parse(text));

        Assert.That(error.Message, Does.Contain($"digest \"{text}\"").And.Contain(problem).And.Contain(hint));
    }

    [TestCase("sha256:../x")]
    [TestCase("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [TestCase("sha256:" + AbcSha512)]
    [TestCase("sha512:" + AbcSha256)]
    [TestCase("md5:900150983cd24fb0d6963f7d28e17f72")]
    [TestCase("sha256")]
    [TestCase("")]
    public void TryParse_InvalidDigest_ReturnsFalseAndEmpty(string text)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Digest.TryParse(text, out var fromString), Is.False);
            Assert.That(fromString.IsEmpty, Is.True);
            Assert.That(Digest.TryParse(text.AsSpan(), out var fromSpan), Is.False);
            Assert.That(fromSpan.IsEmpty, Is.True);
        }
    }

    [Test]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.That(Digest.TryParse((string?)null, out _), Is.False);
    }

    [Test]
    public void Parse_VeryLongValue_ShortensItInTheMessage()
    {
        var text = "sha256:" + new string('g', 500);

        var error = Assert.Throws<InvalidArgumentException>(() => Digest.Parse(text));

        Assert.That(error.Message, Does.Contain(text[..80] + "…").And.Not.Contain(text));
    }

    [TestCase("", "sha256:" + EmptySha256)]
    [TestCase("abc", "sha256:" + AbcSha256)]
    public void Compute_Sha256_MatchesKnownVectors(string input, string expected)
    {
        Assert.That(Digest.Compute(Encoding.ASCII.GetBytes(input)).ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void Compute_Sha512_MatchesKnownVector()
    {
        var digest = Digest.Compute("abc"u8, DigestAlgorithm.Sha512);

        Assert.That(digest.ToString(), Is.EqualTo("sha512:" + AbcSha512));
    }

    [Test]
    public void Matches_TrueOnlyForTheHashedBytes()
    {
        var digest = Digest.Parse("sha256:" + AbcSha256);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(digest.Matches("abc"u8), Is.True);
            Assert.That(digest.Matches("abd"u8), Is.False);
            Assert.That(default(Digest).Matches(""u8), Is.False);
        }
    }

    // 1 MiB + 7 crosses the 1 MiB buffer that ComputeAsync reads through.
    [TestCase(0)]
    [TestCase(1)]
    [TestCase((1 << 20) + 7)]
    public async Task ComputeAsync_OverAStream_EqualsComputeOverTheSameBytes(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);

        using var stream256 = new MemoryStream(data);
        var sha256 = await Digest.ComputeAsync(stream256);
        using var stream512 = new MemoryStream(data);
        var sha512 = await Digest.ComputeAsync(stream512, DigestAlgorithm.Sha512);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sha256, Is.EqualTo(Digest.Compute(data)));
            Assert.That(sha512, Is.EqualTo(Digest.Compute(data, DigestAlgorithm.Sha512)));
            Assert.That(stream256.Position, Is.EqualTo(size));
        }
    }

    [Test]
    public void FromHash_WrongLength_IsRejected()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Digest.FromHash(DigestAlgorithm.Sha256, new byte[20]));

        Assert.That(error.Message, Does.Contain("32 bytes, not 20"));
    }

    [Test]
    public void Json_RoundTrip_WritesThePlainStringAndReadsItBack()
    {
        var digest = Digest.Parse("sha256:" + AbcSha256);

        var json = JsonSerializer.Serialize(digest);
        var back = JsonSerializer.Deserialize<Digest>(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(json, Is.EqualTo("\"sha256:" + AbcSha256 + "\""));
            Assert.That(back, Is.EqualTo(digest));
        }
    }

    [Test]
    public void Json_BadDigest_ThrowsJsonExceptionWithTheParseMessage()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Digest>("\"sha256:ABC\""));

        Assert.That(error.Message, Does.Contain("digest \"sha256:ABC\"").And.Contain("upper-case hex is not allowed"));
    }

    [Test]
    public void Json_NonString_IsRejected()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Digest>("42"));

        Assert.That(error.Message, Does.Contain("must be a JSON string"));
    }

    [Test]
    public void Json_BadConfigDigestInAManifest_IsAnInvalidArgument()
    {
        var json = Encoding.UTF8.GetString(TestManifests.Read(TestManifests.MuslManifest))
            .Replace("sha256:ff7d91a4de4fad59", "sha256:../../etc/passwd#", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseManifest(Encoding.UTF8.GetBytes(json)));

        Assert.That(error.Message, Does.Contain("manifest is not valid").And.Contain("sha256:../../etc/passwd#").And.Contain("position 7"));
    }

    [Test]
    public void Equality_SameTextIsEqualWithTheSameHash()
    {
        var a = Digest.Parse("sha256:" + AbcSha256);
        var b = Digest.Parse(new string(("sha256:" + AbcSha256).ToCharArray()));
        var other = Digest.Parse("sha256:" + EmptySha256);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a == b, Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a, Is.Not.EqualTo(other));
            Assert.That(a != other, Is.True);
            Assert.That(new HashSet<Digest> { a, b, other }, Has.Count.EqualTo(2));
        }
    }

    [Test]
    public void Default_IsEmptyAndNamesNothing()
    {
        var empty = default(Digest);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(empty.IsEmpty, Is.True);
            Assert.That(empty.ToString(), Is.Empty);
            Assert.That(empty.Hex, Is.Empty);
            Assert.That(empty.ToShortString(), Is.EqualTo("<none>"));
            Assert.That(empty, Is.Not.EqualTo(Digest.Parse("sha256:" + EmptySha256)));
        }
    }

    [Test]
    public void ToShortString_KeepsTheAlgorithmAndTwelveHexCharacters()
    {
        Assert.That(Digest.Parse("sha256:" + AbcSha256).ToShortString(), Is.EqualTo("sha256:ba7816bf8f01"));
    }
}
