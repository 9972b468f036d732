using System.Globalization;
using System.Text;
using Containers.Errors;
using Containers.Images.Registry;

namespace Containers.Images.Tests.Registry;

/// <summary>
/// The hostile servers that the client side must catch: each ends in a clear error, and
/// nothing partial is left in the content store or the image store.
/// </summary>
public sealed class RegistryHostileServerTests : RegistryClientTest
{
    [Test]
    public async Task Pull_BlobWhoseBytesDoNotMatchItsDigest_IsRefused()
    {
        var image = Registry.AddImage("app", "v1", 5000);
        var layer = image.Layers[0].Descriptor;
        var forged = new byte[layer.Size];
        Registry.Intercept = r => IsBlob(r, layer.Digest) ? new FakeResponse(200, forged) : null;

        var error = Assert.ThrowsAsync<DigestMismatchException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.That(error!.Message, Does.Contain(layer.Digest.ToString()).And.Contain("nothing was committed"));
        await AssertNothingPartialAsync(layer.Digest, Digest.Compute(forged), image.Manifest.Digest);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Pull_BlobLongerThanItsDescriptor_IsRefusedAfterReadingAtMostOneByteTooMany(bool announced)
    {
        var image = Registry.AddImage("app", "v1", 4096);
        var layer = image.Layers[0];
        var sent = 0L;
        Registry.Intercept = r => IsBlob(r, layer.Descriptor.Digest)
            ? new FakeResponse(200)
            {
                // The true bytes, then garbage for as long as the client reads.
                Writer = async (stream, token) =>
                {
                    await stream.WriteAsync(layer.Bytes, token);
                    var more = new byte[64 * 1024];
                    for (var i = 0; i < 1600; i++)
                    {
                        await stream.WriteAsync(more, token);
                        Interlocked.Add(ref sent, more.Length);
                    }
                },
                Close = true,
            }.With("Content-Length", announced ? (layer.Bytes.Length + (1600 * 64 * 1024)).ToString(CultureInfo.InvariantCulture) : string.Empty)
            : null;
        if (!announced)
        {
            Registry.Intercept = Wrap(Registry.Intercept, response => response with { Headers = [] });
        }

        var error = Assert.ThrowsAsync<DigestMismatchException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain(layer.Descriptor.Digest.ToString()).And.Contain($"{layer.Bytes.Length} bytes"));
            Assert.That(Interlocked.Read(ref sent), Is.LessThan(100L * 1024 * 1024), "the client hung up instead of reading the flood");
        });
        await AssertNothingPartialAsync(layer.Descriptor.Digest, image.Manifest.Digest);
    }

    [Test]
    public async Task Pull_ManifestWithALyingDockerContentDigest_IsRefused()
    {
        var image = Registry.AddImage("app", "v1", 100);
        var lie = Digest.Compute(Encoding.UTF8.GetBytes("something else"));
        Registry.Intercept = r => r.Path.EndsWith("/manifests/v1", StringComparison.Ordinal)
            ? new FakeResponse(200, image.ManifestBytes).With("Content-Type", MediaType.OciManifest.Value).With("Docker-Content-Digest", lie.ToString())
            : null;

        var error = Assert.ThrowsAsync<DigestMismatchException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.That(error!.Message, Does.Contain("Docker-Content-Digest").And.Contain(lie.ToString()).And.Contain(image.Manifest.Digest.ToString()));
        await AssertNothingPartialAsync(image.Manifest.Digest, image.Config.Digest, image.Layers[0].Descriptor.Digest);
    }

    [Test]
    public async Task Pull_BlobWithALyingDockerContentDigest_IsRefused()
    {
        var image = Registry.AddImage("app", "v1", 100);
        var layer = image.Layers[0];
        var lie = Digest.Compute(Encoding.UTF8.GetBytes("something else"));
        Registry.Intercept = r => IsBlob(r, layer.Descriptor.Digest) ? new FakeResponse(200, layer.Bytes).With("Docker-Content-Digest", lie.ToString()) : null;

        var error = Assert.ThrowsAsync<DigestMismatchException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.That(error!.Message, Does.Contain("lying").And.Contain(lie.ToString()));
        await AssertNothingPartialAsync(layer.Descriptor.Digest, image.Manifest.Digest);
    }

    [Test]
    public async Task Pull_DocumentThatIsBothAManifestAndAnIndex_IsRefused()
    {
        var image = TestRegistryImage.Create(10);
        Registry.AddImage("app", null, image);
        var both = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"config":{"mediaType":"{{MediaType.OciConfig}}","digest":"{{image.Config.Digest}}","size":{{image.Config.Size}}},"layers":[],"manifests":[{"mediaType":"{{MediaType.OciManifest}}","digest":"{{image.Manifest.Digest}}","size":{{image.Manifest.Size}}}]}""");
        Registry.AddManifest("app", "v1", MediaType.OciManifest, both);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.That(error!.Message, Does.Contain("both a manifest").And.Contain("index"));
        await AssertNothingPartialAsync(Digest.Compute(both), image.Config.Digest);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Pull_HundredMegabyteManifest_IsRefusedAtTheLimit(bool announced)
    {
        const long size = 100L * 1024 * 1024;
        var sent = 0L;
        Registry.Intercept = r => r.Path.Contains("/manifests/", StringComparison.Ordinal)
            ? new FakeResponse(200)
            {
                Writer = async (stream, token) =>
                {
                    var chunk = Encoding.ASCII.GetBytes("{\"schemaVersion\":2,\"layers\":[" + new string(' ', 64 * 1024));
                    for (long written = 0; written < size; written += chunk.Length)
                    {
                        await stream.WriteAsync(chunk, token);
                        Interlocked.Add(ref sent, chunk.Length);
                    }
                },
                Close = true,
                Headers = announced ? [("Content-Type", MediaType.OciManifest.Value), ("Content-Length", size.ToString(CultureInfo.InvariantCulture))] : [("Content-Type", MediaType.OciManifest.Value)],
            }
            : null;

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("over the limit of 4194304"));
            Assert.That(Interlocked.Read(ref sent), Is.LessThan(size), "the client stopped reading at the limit");
        });
        await AssertNothingPartialAsync();
    }

    [Test]
    public async Task Pull_IndexThatPointsAtItself_IsRefused()
    {
        // An index cannot name its own digest (that would be a hash fixed point), so the server
        // answers the child's digest with the index itself: the loop a trusting client would follow.
        var child = Digest.Compute(Encoding.UTF8.GetBytes("the child the server will not really send"));
        var index = OciDocuments.Serialize(new ImageIndex
        {
            MediaType = MediaType.OciIndex,
            Manifests = [new Descriptor { MediaType = MediaType.OciIndex, Digest = child, Size = 300, Platform = Platform.Current }],
        });
        Registry.Intercept = r => r.Path.Contains("/manifests/", StringComparison.Ordinal)
            ? new FakeResponse(200, index).With("Content-Type", MediaType.OciIndex.Value)
            : null;

        var error = Assert.ThrowsAsync<DigestMismatchException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain(child.ToString()).And.Contain(Digest.Compute(index).ToString()));
            Assert.That(Registry.Requests.Count(r => r.Path.Contains("/manifests/", StringComparison.Ordinal)), Is.EqualTo(2), "the loop was not followed");
        });
        await AssertNothingPartialAsync(Digest.Compute(index));
    }

    [Test]
    public async Task Pull_IndexesNestedTooDeep_AreRefused()
    {
        var image = Registry.AddImage("app", null, 10);
        var child = image.ForIndex(Platform.Current);
        for (var depth = 0; depth < 6; depth++)
        {
            var bytes = OciDocuments.Serialize(new ImageIndex { MediaType = MediaType.OciIndex, Manifests = [child] });
            child = Registry.AddManifest("app", depth == 5 ? "v1" : null, MediaType.OciIndex, bytes) with { Platform = Platform.Current };
        }

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.That(error!.Message, Does.Contain("nests indexes more than 4 deep"));
        await AssertNothingPartialAsync(image.Manifest.Digest, image.Layers[0].Descriptor.Digest);
    }

    [Test]
    public async Task Pull_RedirectFromHttpsToHttp_IsRefusedWithoutContactingTheHttpHost()
    {
        await using var secure = new FakeRegistry(tls: true);
        await using var plain = new FakeRegistry();
        var image = secure.AddImage("app", "v1", 100);
        var layer = image.Layers[0];
        plain.AddBlob("app", layer.Bytes);
        secure.Intercept = r => IsBlob(r, layer.Descriptor.Digest)
            ? new FakeResponse(307).With("Location", $"http://{plain.Authority}/v2/app/blobs/{layer.Descriptor.Digest}")
            : null;

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Client.PullAsync(Images, ImageReference.Parse($"{secure.Authority}/app:v1")));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("HTTPS to plain HTTP").And.Contain("downgrade"));
            Assert.That(secure.Requests.Any(r => r.Path.Contains("/manifests/", StringComparison.Ordinal)), Is.True, "the registry was reached over TLS");
            Assert.That(plain.Requests, Is.Empty, "the plain HTTP host was never contacted");
        });
        await AssertNothingPartialAsync(layer.Descriptor.Digest, image.Manifest.Digest);
    }

    [Test]
    public async Task Pull_BlobThatStallsMidway_FailsWithAStallError()
    {
        var options = FastOptions();
        options.StallTimeout = TimeSpan.FromMilliseconds(500);
        options.RetryCount = 1;
        UseClient(CreateClient(options));
        var image = Registry.AddImage("app", "v1", 100_000);
        var layer = image.Layers[0];
        Registry.Intercept = r => IsBlob(r, layer.Descriptor.Digest) && r.Method == "GET"
            ? new FakeResponse(r.Header("Range") is null ? 200 : 206)
            {
                Writer = async (stream, token) =>
                {
                    await stream.WriteAsync(layer.Bytes.AsMemory(0, 1000), token);
                    await stream.FlushAsync(token);
                    await Task.Delay(Timeout.Infinite, token);
                },
            }
            .With("Content-Length", (layer.Bytes.Length - (r.Header("Range") is null ? 0 : 1000)).ToString(CultureInfo.InvariantCulture))
            .With("Content-Range", $"bytes 1000-{layer.Bytes.Length - 1}/{layer.Bytes.Length}")
            : null;

        var error = Assert.ThrowsAsync<UnavailableException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("stalled").And.Contain(layer.Descriptor.Digest.ToString()).And.Contain($"of {layer.Bytes.Length} bytes"));
            Assert.That(Registry.Requests.Count(r => IsBlob(r, layer.Descriptor.Digest) && r.Header("Range") == "bytes=1000-"), Is.EqualTo(1), "the stall was retried once, resuming");
        });
        await AssertNothingPartialAsync(layer.Descriptor.Digest, image.Manifest.Digest);
    }

    [Test]
    public async Task Pull_ManifestThatStalls_FailsWithAStallError()
    {
        var options = FastOptions();
        options.StallTimeout = TimeSpan.FromMilliseconds(500);
        UseClient(CreateClient(options));
        var image = Registry.AddImage("app", "v1", 100);
        Registry.Intercept = r => r.Path.EndsWith("/manifests/v1", StringComparison.Ordinal)
            ? new FakeResponse(200)
            {
                Writer = async (stream, token) =>
                {
                    await stream.WriteAsync(image.ManifestBytes.AsMemory(0, 10), token);
                    await stream.FlushAsync(token);
                    await Task.Delay(Timeout.Infinite, token);
                },
                Headers = [("Content-Type", MediaType.OciManifest.Value), ("Content-Length", image.ManifestBytes.Length.ToString(CultureInfo.InvariantCulture))],
            }
            : null;

        var error = Assert.ThrowsAsync<UnavailableException>(() => Client.PullAsync(Images, Registry.Reference("app:v1")));

        Assert.That(error!.Message, Does.Contain("manifest").And.Contain("stalled"));
        await AssertNothingPartialAsync(image.Manifest.Digest);
    }

    private static bool IsBlob(FakeRequest request, Digest digest) =>
        request.Path.EndsWith($"/blobs/{digest}", StringComparison.Ordinal);

    private static Func<FakeRequest, FakeResponse?> Wrap(Func<FakeRequest, FakeResponse?>? inner, Func<FakeResponse, FakeResponse> change) =>
        request => inner?.Invoke(request) is { } response ? change(response) : null;
}
