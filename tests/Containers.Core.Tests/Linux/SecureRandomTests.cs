using Containers.Linux;

namespace Containers.Core.Tests.Linux;

public sealed class SecureRandomTests
{
    [Test]
    public void HexString_IsLowercaseHexOfTheLengthAsked_AndNeverRepeats()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 1000; i++)
        {
            var id = SecureRandom.HexString(64);
            Assert.That(id, Does.Match("^[0-9a-f]{64}$"));
            Assert.That(seen.Add(id), Is.True, "a 256-bit id repeated");
        }

        Assert.That(SecureRandom.HexString(7), Has.Length.EqualTo(7));
    }

    [Test]
    public void Fill_CoversTheWholeBuffer()
    {
        // 4 KiB of zeros left anywhere would mean a short read went unnoticed.
        var buffer = new byte[4096];
        SecureRandom.Fill(buffer);
        Assert.That(buffer.Chunk(64).All(chunk => chunk.Any(b => b != 0)), Is.True);
    }
}
