using Containers.Errors;
using Containers.Images.Content;
using Containers.Images.Registry;

namespace Containers.Images.Tests.Registry;

public sealed class RegistryClientPullTests : RegistryClientTest
{
    [Test]
    public async Task Pull_ByTag_StoresEveryBlobAndNamesTheImage()
    {
        var image = Registry.AddImage("team/app", "v1", 1000, 200_000, 3);
        var reference = Registry.Reference("team/app:v1");

        var result = await Client.PullAsync(Images, reference);

        var resolved = await Images.ResolveAsync(reference.ToString());
        var record = await Images.Names.GetAsync(reference);
        Assert.Multiple(async () =>
        {
            Assert.That(result.Target.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(result.BlobsDownloaded, Is.EqualTo(4));
            Assert.That(result.BytesDownloaded, Is.EqualTo(image.ConfigBytes.Length + 201_003));
            Assert.That(record.Target.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(resolved.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(resolved.Layers.Select(l => l.Digest), Is.EqualTo(image.Layers.Select(l => l.Descriptor.Digest)));
            foreach (var (descriptor, bytes) in image.Blobs)
            {
                Assert.That(await Content.ReadBlobAsync(descriptor, long.MaxValue), Is.EqualTo(bytes));
            }
        });
    }

    [Test]
    public async Task Pull_EveryRequest_CarriesTheRegistryAndScopeOptions()
    {
        Registry.AddImage("app", "v1", 10);
        var seen = new List<(string? Registry, string? Scope)>();
        var options = FastOptions();
        using var client = new RegistryClient(RegistryClient.CreateHandler(options, new RecordingHandler(seen)), options);

        await client.PullAsync(Images, Registry.Reference("app:v1"));

        Assert.That(seen.Where(s => s.Scope is not null), Is.Not.Empty);
        Assert.That(seen.Where(s => s.Scope is not null), Has.All.EqualTo((Registry.Authority, "repository:app:pull")));
    }

    [Test]
    public async Task Pull_ByDigest_NamesTheImageByDigest()
    {
        var image = Registry.AddImage("app", "v1", 10);
        var reference = Registry.Reference($"app@{image.Manifest.Digest}");

        var result = await Client.PullAsync(Images, reference);

        var names = await Images.Names.ListAsync().Select(r => r.Name).ToListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result.Target.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(names, Is.EqualTo(new[] { reference.ToString() }));
        });
    }

    [Test]
    public async Task Pull_BlobsAlreadyInTheStore_AreNotFetchedAgain()
    {
        var image = Registry.AddImage("app", "v1", 5000, 6000);
        await Client.PullAsync(Images, Registry.Reference("app:v1"));
        var blobRequests = Registry.Requests.Count(r => r.Path.Contains("/blobs/", StringComparison.Ordinal));

        var again = await Client.PullAsync(Images, Registry.Reference("app:v1"));

        Assert.Multiple(() =>
        {
            Assert.That(again.BlobsDownloaded, Is.Zero);
            Assert.That(again.BlobsPresent, Is.EqualTo(3));
            Assert.That(Registry.Requests.Count(r => r.Path.Contains("/blobs/", StringComparison.Ordinal)), Is.EqualTo(blobRequests));
            Assert.That(image.Layers, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Pull_Index_PicksTheRequestedPlatformAndNamesTheIndex()
    {
        var amd64 = new Platform { OS = "linux", Architecture = "amd64" };
        var arm64 = new Platform { OS = "linux", Architecture = "arm64", Variant = "v8" };
        var forAmd = Registry.AddImage("multi", null, TestRegistryImage.Create(amd64, MediaType.OciManifest, 100));
        var forArm = Registry.AddImage("multi", null, TestRegistryImage.Create(arm64, MediaType.OciManifest, 200));
        var index = OciDocuments.Serialize(new ImageIndex { MediaType = MediaType.OciIndex, Manifests = [forAmd.ForIndex(amd64), forArm.ForIndex(arm64)] });
        var indexDescriptor = Registry.AddManifest("multi", "latest", MediaType.OciIndex, index);

        var result = await Client.PullAsync(Images, Registry.Reference("multi"), new PullOptions { Platform = arm64 });

        Assert.Multiple(async () =>
        {
            Assert.That(result.Target.Digest, Is.EqualTo(indexDescriptor.Digest));
            Assert.That(result.Image.Digest, Is.EqualTo(forArm.Manifest.Digest));
            Assert.That(await Content.ExistsAsync(forArm.Layers[0].Descriptor.Digest), Is.True);
            Assert.That(await Content.ExistsAsync(forAmd.Layers[0].Descriptor.Digest), Is.False, "only the chosen platform's blobs are fetched");
            Assert.That((await Images.ResolveAsync(Registry.Reference("multi").ToString(), arm64)).Digest, Is.EqualTo(forArm.Manifest.Digest));
        });
    }

    [Test]
    public async Task Pull_IndexWithoutThePlatform_SaysWhichPlatformsItOffers()
    {
        var amd64 = new Platform { OS = "linux", Architecture = "amd64" };
        var only = Registry.AddImage("multi", null, TestRegistryImage.Create(amd64, MediaType.OciManifest, 100));
        Registry.AddManifest("multi", "latest", MediaType.OciIndex, OciDocuments.Serialize(new ImageIndex { MediaType = MediaType.OciIndex, Manifests = [only.ForIndex(amd64)] }));

        var error = Assert.ThrowsAsync<NotFoundException>(() => Client.PullAsync(Images, Registry.Reference("multi"), new PullOptions { Platform = Platform.Parse("linux/s390x") }));

        Assert.That(error!.Message, Does.Contain("linux/s390x").And.Contain("linux/amd64"));
        await AssertNothingPartialAsync();
    }

    [Test]
    public async Task Pull_DockerManifestList_IsReadLikeAnIndex()
    {
        var image = Registry.AddImage("docker", null, TestRegistryImage.Create(Platform.Current, MediaType.DockerManifest, 300));
        var list = OciDocuments.Serialize(new ImageIndex { MediaType = MediaType.DockerManifestList, Manifests = [image.ForIndex(Platform.Current)] });
        Registry.AddManifest("docker", "latest", MediaType.DockerManifestList, list);

        var result = await Client.PullAsync(Images, Registry.Reference("docker"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Target.MediaType, Is.EqualTo(MediaType.DockerManifestList));
            Assert.That(result.Image.MediaType, Is.EqualTo(MediaType.DockerManifest));
        });
    }

    [Test]
    public async Task Pull_UnknownTag_IsARegistryErrorWithTheRegistrysCode()
    {
        var error = Assert.ThrowsAsync<RegistryException>(() => Client.PullAsync(Images, Registry.Reference("nothing:here")));

        Assert.Multiple(() =>
        {
            Assert.That((int)error!.StatusCode, Is.EqualTo(404));
            Assert.That(error.HasCode("MANIFEST_UNKNOWN"), Is.True);
            Assert.That(error.Kind, Is.EqualTo("not found"));
            Assert.That(error.Message, Does.Contain("nothing:here").And.Contain("MANIFEST_UNKNOWN"));
        });
        await AssertNothingPartialAsync();
    }

    [Test]
    public async Task Pull_ConnectionBrokenMidBlob_ResumesWithARangeRequest()
    {
        var image = Registry.AddImage("app", "v1", 300_000);
        var layer = image.Layers[0];
        var cut = false;
        Registry.Intercept = request =>
        {
            if (request.Method != "GET" || !request.Path.EndsWith(layer.Descriptor.Digest.ToString(), StringComparison.Ordinal) || cut)
            {
                return null;
            }

            cut = true;
            return new FakeResponse(200)
            {
                Writer = async (stream, token) => await stream.WriteAsync(layer.Bytes.AsMemory(0, 100_000), token),
                Close = true,
            }.With("Content-Length", layer.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        };
        var progress = new List<PullProgress>();

        await Client.PullAsync(Images, Registry.Reference("app:v1"), new PullOptions { Progress = new SynchronousProgress<PullProgress>(progress.Add) });

        var ranged = Registry.Requests.Where(r => r.Path.EndsWith(layer.Descriptor.Digest.ToString(), StringComparison.Ordinal) && r.Header("Range") is not null).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(ranged, Has.Count.EqualTo(1));
            Assert.That(ranged[0].Header("Range"), Is.EqualTo("bytes=100000-"));
            Assert.That(await Content.ReadBlobAsync(layer.Descriptor, long.MaxValue), Is.EqualTo(layer.Bytes));
            Assert.That(progress.Any(p => p.Digest == layer.Descriptor.Digest && p.State == BlobTransferState.Retrying), Is.True);
        });
    }

    [Test]
    public async Task Pull_Progress_ReportsEachBlobAndTheTotal()
    {
        var image = Registry.AddImage("app", "v1", 600_000, 10);
        var progress = new List<PullProgress>();

        await Client.PullAsync(Images, Registry.Reference("app:v1"), new PullOptions { Progress = new SynchronousProgress<PullProgress>(progress.Add) });

        var total = image.Blobs.Sum(b => b.Descriptor.Size);
        Assert.Multiple(() =>
        {
            Assert.That(progress.Where(p => p.State == BlobTransferState.Done).Select(p => p.Digest), Is.EquivalentTo(image.Blobs.Select(b => b.Descriptor.Digest)));
            Assert.That(progress.Any(p => p.State == BlobTransferState.Transferring && p.Bytes > 0 && p.Bytes < p.Size), Is.True, "the big layer reports bytes on the way");
            Assert.That(progress.All(p => p.TotalSize == total), Is.True);
            Assert.That(progress.Max(p => p.TotalBytes), Is.EqualTo(total));
        });
    }

    [Test]
    public async Task Pull_TransientServerErrors_AreRetried()
    {
        Registry.AddImage("app", "v1", 10);
        var failures = 0;
        Registry.Intercept = request => request.Path.Contains("/manifests/", StringComparison.Ordinal) && Interlocked.Increment(ref failures) <= 2
            ? FakeResponse.Error(503, "UNAVAILABLE", "try later")
            : null;

        var result = await Client.PullAsync(Images, Registry.Reference("app:v1"));

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.EqualTo(3));
            Assert.That(result.BlobsDownloaded, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Pull_FromDockerHubWithAMirror_AsksTheMirror()
    {
        await using var mirror = new FakeRegistry();
        var image = mirror.AddImage("library/busybox", "latest", 50);
        var options = FastOptions();
        options.Mirrors.Add($"http://{mirror.Authority}");
        using var client = new RegistryClient(RegistryClient.CreateHandler(options), options);

        var result = await client.PullAsync(Images, ImageReference.Parse("busybox"));

        Assert.Multiple(async () =>
        {
            Assert.That(result.Target.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That((await Images.Names.GetAsync(ImageReference.Parse("busybox"))).Target.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(mirror.Requests.Any(r => r.Path == "/v2/library/busybox/manifests/latest"), Is.True);
        });
    }

    [Test]
    public async Task Pull_FromAFailingMirror_FallsThroughToTheNext()
    {
        await using var broken = new FakeRegistry { Intercept = _ => FakeResponse.Error(500, "UNKNOWN", "mirror is broken") };
        await using var mirror = new FakeRegistry();
        var image = mirror.AddImage("library/busybox", "latest", 50);
        var options = FastOptions();
        options.Mirrors.Add(broken.Authority);
        options.Mirrors.Add(mirror.Authority);
        using var client = new RegistryClient(RegistryClient.CreateHandler(options), options);

        var result = await client.PullAsync(Images, ImageReference.Parse("busybox:latest"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Target.Digest, Is.EqualTo(image.Manifest.Digest));
            Assert.That(broken.Requests.Any(r => r.Path.Contains("/manifests/", StringComparison.Ordinal)), Is.True, "the first mirror was asked");
        });
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();

        public void Report(T value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }

    private sealed class RecordingHandler(List<(string? Registry, string? Scope)> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.TryGetValue(RegistryRequestOptions.Registry, out var registry);
            request.Options.TryGetValue(RegistryRequestOptions.Scope, out var scope);
            lock (seen)
            {
                seen.Add((registry, scope));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

}
