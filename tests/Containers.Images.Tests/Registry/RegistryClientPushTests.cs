using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Registry;

namespace Containers.Images.Tests.Registry;

public sealed class RegistryClientPushTests : RegistryClientTest
{
    [Test]
    public async Task Push_LocalImage_SendsEveryBlobThenTheManifestUnderItsTag()
    {
        var image = await StoreLocalImageAsync("app:v1", 1000, 70_000);

        var result = await Client.PushAsync(Images, Registry.Reference("app:v1"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Target.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(result.BlobsUploaded, Is.EqualTo(3));
            Assert.That(result.BytesUploaded, Is.EqualTo(image.Blobs.Sum(b => b.Descriptor.Size)));
            Assert.That(Registry.Manifest("app", "v1"), Is.EqualTo(image.ManifestBytes));
            Assert.That(image.Blobs.All(b => Registry.HasBlob("app", b.Descriptor.Digest)), Is.True);
            Assert.That(Registry.Requests.Count(r => r.Method == "PATCH"), Is.Zero, "small blobs go in one PUT");
        });
    }

    [Test]
    public async Task Push_BlobsTheRegistryHas_AreNotSentAgain()
    {
        var image = await StoreLocalImageAsync("app:v1", 1000, 2000);
        Registry.AddBlob("app", image.Layers[0].Bytes);

        var result = await Client.PushAsync(Images, Registry.Reference("app:v1"));

        Assert.Multiple(() =>
        {
            Assert.That(result.BlobsPresent, Is.EqualTo(1));
            Assert.That(result.BlobsUploaded, Is.EqualTo(2));
            Assert.That(Registry.Requests.Count(r => r.Method == "HEAD"), Is.EqualTo(3));
            Assert.That(Registry.Requests.Count(r => r.Method == "POST"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Push_WithMountFrom_MountsWhatTheOtherRepositoryHasAndUploadsTheRest()
    {
        var image = await StoreLocalImageAsync("app:v1", 1000, 2000);
        Registry.AddBlob("base", image.Layers[0].Bytes);
        var scopes = new List<string?>();
        var options = FastOptions();
        UseClient(new RegistryClient(RegistryClient.CreateHandler(options, new ScopeRecorder(scopes)), options));

        var result = await Client.PushAsync(Images, Registry.Reference("app:v1"), new PushOptions { MountFrom = ["base"] });

        Assert.Multiple(() =>
        {
            Assert.That(result.BlobsMounted, Is.EqualTo(1));
            Assert.That(result.BlobsUploaded, Is.EqualTo(2), "a blob the other repository lacks falls back to an upload (202)");
            Assert.That(Registry.HasBlob("app", image.Layers[0].Descriptor.Digest), Is.True);
            Assert.That(Registry.Requests.Count(r => r.QueryValue("mount") is not null), Is.EqualTo(3));
            Assert.That(scopes, Does.Contain("repository:app:pull,push repository:base:pull"));
        });
    }

    [Test]
    public async Task Push_WithAChunkSize_UploadsBigBlobsInOrderedChunks()
    {
        var options = FastOptions();
        options.ChunkSize = 10_000;
        UseClient(CreateClient(options));
        var image = await StoreLocalImageAsync("app:v1", 25_000, 500);

        await Client.PushAsync(Images, Registry.Reference("app:v1"));

        var patches = Registry.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(patches.Select(p => p.Header("Content-Range")), Is.EqualTo(new[] { "0-9999", "10000-19999", "20000-24999" }));
            Assert.That(Registry.HasBlob("app", image.Layers[0].Descriptor.Digest), Is.True);
            Assert.That(Registry.Manifest("app", "v1"), Is.EqualTo(image.ManifestBytes));
        });
    }

    [Test]
    public async Task Push_Index_SendsTheChildManifestsByDigestThenTheIndexByTag()
    {
        var first = TestRegistryImage.Create(Platform.Parse("linux/amd64"), MediaType.OciManifest, 100);
        var second = TestRegistryImage.Create(Platform.Parse("linux/arm64"), MediaType.OciManifest, 200);
        foreach (var image in new[] { first, second })
        {
            await WriteAsync(image);
        }

        var index = OciDocuments.Serialize(new ImageIndex { MediaType = MediaType.OciIndex, Manifests = [first.ForIndex(Platform.Parse("linux/amd64")), second.ForIndex(Platform.Parse("linux/arm64"))] });
        var indexDescriptor = await Images.Content.WriteBlobAsync(MediaType.OciIndex, index);

        var result = await Client.PushAsync(Images.Content, indexDescriptor, Registry.Reference("multi:v1"));

        var manifestPuts = Registry.Requests.Where(r => r.Method == "PUT" && r.Path.Contains("/manifests/", StringComparison.Ordinal)).Select(r => r.Path).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.Target.Digest, Is.EqualTo(indexDescriptor.Digest));
            Assert.That(manifestPuts, Is.EqualTo(new[]
            {
                $"/v2/multi/manifests/{first.Manifest.Digest}",
                $"/v2/multi/manifests/{second.Manifest.Digest}",
                "/v2/multi/manifests/v1",
            }));
            Assert.That(Registry.Manifest("multi", "v1"), Is.EqualTo(index));
        });
    }

    [Test]
    public async Task Push_IndexWithAPlatformMissingLocally_SaysSoAndSuggestsOnePlatform()
    {
        var present = TestRegistryImage.Create(Platform.Parse("linux/amd64"), MediaType.OciManifest, 100);
        var absent = TestRegistryImage.Create(Platform.Parse("linux/arm64"), MediaType.OciManifest, 100);
        await WriteAsync(present);
        var index = OciDocuments.Serialize(new ImageIndex { MediaType = MediaType.OciIndex, Manifests = [present.ForIndex(Platform.Parse("linux/amd64")), absent.ForIndex(Platform.Parse("linux/arm64"))] });
        var indexDescriptor = await Images.Content.WriteBlobAsync(MediaType.OciIndex, index);

        var error = Assert.ThrowsAsync<NotFoundException>(() => Client.PushAsync(Images.Content, indexDescriptor, Registry.Reference("multi:v1")));
        var onePlatform = await Client.PushAsync(Images.Content, indexDescriptor, Registry.Reference("multi:amd"), new PushOptions { Platform = Platform.Parse("linux/amd64") });

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain(absent.Manifest.Digest.ToString()).And.Contain("linux/arm64").And.Contain("push one platform"));
            Assert.That(onePlatform.Target.Digest, Is.EqualTo(present.Manifest.Digest));
            Assert.That(Registry.Manifest("multi", "amd"), Is.EqualTo(present.ManifestBytes));
        });
    }

    [Test]
    public async Task Push_ThenPull_RoundTripsDigestForDigest()
    {
        var image = await StoreLocalImageAsync("app:v1", 3000, 4000);
        await Client.PushAsync(Images, Registry.Reference("app:v1"));
        var root = Directory.CreateTempSubdirectory("registry-roundtrip-").FullName;
        var fresh = new LocalImages(root);
        try
        {
            var pulled = await Client.PullAsync(fresh, Registry.Reference("app:v1"));

            Assert.Multiple(() =>
            {
                Assert.That(pulled.Target.Digest, Is.EqualTo(image.Manifest.Digest));
                Assert.That(pulled.Image.Manifest.Config.Digest, Is.EqualTo(image.Config.Digest));
                Assert.That(pulled.Image.Layers.Select(l => l.Digest), Is.EqualTo(image.Layers.Select(l => l.Descriptor.Digest)));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void Push_UnknownLocalImage_IsNotFound()
    {
        var error = Assert.ThrowsAsync<NotFoundException>(() => Client.PushAsync(Images, Registry.Reference("nothing:here")));

        Assert.That(error!.Message, Does.Contain("nothing"));
    }

    [Test]
    public async Task Push_UploadRefused_IsARegistryErrorWithTheRegistrysCode()
    {
        await StoreLocalImageAsync("app:v1", 10);
        Registry.Intercept = r => r.Method == "POST" ? FakeResponse.Error(403, "DENIED", "requested access to the resource is denied") : null;

        var error = Assert.ThrowsAsync<RegistryException>(() => Client.PushAsync(Images, Registry.Reference("app:v1")));

        Assert.Multiple(() =>
        {
            Assert.That((int)error!.StatusCode, Is.EqualTo(403));
            Assert.That(error.HasCode("DENIED"), Is.True);
            Assert.That(error.Operation, Is.EqualTo("start upload"));
            Assert.That(Registry.Manifest("app", "v1"), Is.Null, "no manifest is pushed without its blobs");
        });
    }

    private async Task<TestRegistryImage> StoreLocalImageAsync(string name, params int[] layerSizes)
    {
        var image = TestRegistryImage.Create(layerSizes);
        await WriteAsync(image);
        await Images.Names.SetAsync(Registry.Reference(name), image.Manifest);
        return image;
    }

    private async Task WriteAsync(TestRegistryImage image)
    {
        foreach (var (descriptor, bytes) in image.Blobs)
        {
            await Images.Content.WriteBlobAsync(descriptor.MediaType, bytes);
        }

        await Images.Content.WriteBlobAsync(image.Manifest.MediaType, image.ManifestBytes);
    }

    private sealed class ScopeRecorder(List<string?> scopes) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.TryGetValue(RegistryRequestOptions.Scope, out var scope);
            lock (scopes)
            {
                scopes.Add(scope);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
