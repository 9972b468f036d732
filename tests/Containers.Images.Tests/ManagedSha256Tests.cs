using System.Security.Cryptography;
using Containers.Images.Content;

namespace Containers.Images.Tests;

public sealed class ManagedSha256Tests
{
    [Test]
    public void KnownAnswersFromFips180()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Hex(""u8), Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
            Assert.That(Hex("abc"u8), Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
            Assert.That(
                Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8),
                Is.EqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        });
    }

    [Test]
    public void MatchesThePlatformForEveryLengthAroundTheBlockBoundaries([Values(1, 7, 64, 1000)] int chunk)
    {
        var random = new Random(chunk);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var hasher = ManagedSha256.Create();
            for (var offset = 0; offset < length; offset += chunk)
            {
                hasher.Append(data.AsSpan(offset, Math.Min(chunk, length - offset)));
            }

            var hash = new byte[32];
            hasher.Finish(hash);
            Assert.That(hash, Is.EqualTo(SHA256.HashData(data)), $"{length} bytes in pieces of {chunk}");
        }
    }

    [Test]
    public void DigestsOfSmallAndLargeInputsAgreeWithThePlatform()
    {
        foreach (var length in new[] { DigestHasher.ManagedLimit, DigestHasher.ManagedLimit + 1, 1 << 20 })
        {
            var data = RandomNumberGenerator.GetBytes(length);
            Assert.That(Digest.Compute(data).Hex, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(data))), $"{length} bytes");
        }
    }

    [Test]
    public void AVerifyingStreamOverASmallBlobStillCatchesATamperedByte()
    {
        var data = RandomNumberGenerator.GetBytes(2000);
        var digest = Digest.Compute(data);
        data[1234] ^= 1;
        using var stream = new VerifyingStream(new MemoryStream(data), digest, data.Length, "blob");
        Assert.Throws<Errors.DigestMismatchException>(() => stream.CopyTo(Stream.Null));
    }

    private static string Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        ManagedSha256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }
}
