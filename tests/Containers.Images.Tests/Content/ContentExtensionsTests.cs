using Containers.Errors;
using Containers.Images.Content;

namespace Containers.Images.Tests.Content;

/// <summary>Whole-blob reads through a provider that has only a stream to offer (a remote or wrapped store).</summary>
public sealed class ContentExtensionsTests
{
    [Test]
    public async Task ReadBlob_ThroughTheStream_ReturnsTheBytes()
    {
        var bytes = "abc"u8.ToArray();
        var provider = new StreamOnlyProvider(bytes);

        var read = await provider.ReadBlobAsync(Describe(bytes), maxSize: 16);

        Assert.That(read, Is.EqualTo(bytes));
    }

    [Test]
    public void ReadBlob_AStreamLongerThanDeclared_IsAMismatch()
    {
        var declared = "abc"u8.ToArray();
        var provider = new StreamOnlyProvider("abcdef"u8.ToArray());

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await provider.ReadBlobAsync(Describe(declared), maxSize: 16));

        Assert.That(error!.Message, Does.Contain("has more than the 3 bytes its descriptor declares"));
    }

    [Test]
    public void ReadBlob_OverTheCap_IsRefusedBeforeAnyRead()
    {
        var bytes = new byte[64];
        var provider = new StreamOnlyProvider(bytes);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await provider.ReadBlobAsync(Describe(bytes), maxSize: 16));

        Assert.That(error!.Message, Does.Contain("declares 64 bytes").And.Contain("limit"));
        Assert.That(provider.Opened, Is.False);
    }

    private static Descriptor Describe(byte[] bytes) => new() { MediaType = MediaType.OciEmpty, Digest = Digest.Compute(bytes), Size = bytes.Length };

    /// <summary>Hands out its bytes as they are, unverified, so that the whole-blob read's own checks are what is tested.</summary>
    private sealed class StreamOnlyProvider(byte[] bytes) : IContentProvider
    {
        public bool Opened { get; private set; }

        public ValueTask<Stream> OpenReadAsync(Digest digest, long? expectedSize = null, CancellationToken cancellationToken = default)
        {
            Opened = true;
            return ValueTask.FromResult<Stream>(new MemoryStream(bytes, writable: false));
        }
    }
}
