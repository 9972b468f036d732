using System.Text;
using Containers.Errors;
using Containers.Images.Content;

namespace Containers.Images.Tests.Content;

public sealed class VerifyingStreamTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("some bytes to verify, more than a few of them");

    [Test]
    public async Task AZeroByteReadMidway_IsNotTakenForTheEnd()
    {
        await using var stream = new VerifyingStream(new MemoryStream(Content), Digest.Compute(Content), Content.Length, "test blob");
        var buffer = new byte[Content.Length];

        await stream.ReadExactlyAsync(buffer.AsMemory(0, 10));
        var empty = await stream.ReadAsync(Memory<byte>.Empty);
        await stream.ReadExactlyAsync(buffer.AsMemory(10));

        Assert.Multiple(() =>
        {
            Assert.That(empty, Is.Zero);
            Assert.That(buffer, Is.EqualTo(Content));
        });
    }

    [Test]
    public void AZeroByteSynchronousReadMidway_IsNotTakenForTheEnd()
    {
        using var stream = new VerifyingStream(new MemoryStream(Content), Digest.Compute(Content), Content.Length, "test blob");
        var buffer = new byte[Content.Length];

        stream.ReadExactly(buffer, 0, 10);
        var empty = stream.Read([], 0, 0);
        stream.ReadExactly(buffer, 10, Content.Length - 10);

        Assert.That((empty, buffer), Is.EqualTo((0, Content)));
    }

    [Test]
    public void ABlobThatEndsEarly_StillFailsAtItsRealEnd()
    {
        using var stream = new VerifyingStream(new MemoryStream(Content, 0, 10), Digest.Compute(Content), Content.Length, "test blob");

        var error = Assert.Throws<DigestMismatchException>(() => stream.CopyTo(Stream.Null));

        Assert.That(error.Message, Does.Contain("ended after 10 bytes"));
    }
}
