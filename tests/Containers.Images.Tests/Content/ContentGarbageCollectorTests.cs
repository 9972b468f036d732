using System.Text;
using Containers.Images.Content;
using Containers.Images.Content.Local;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Images.Tests.Content;

public sealed class ContentGarbageCollectorTests
{
    private string _root = null!;
    private FakeTimeProvider _time = null!;
    private LocalContentStore _store = null!;
    private LocalImageStore _images = null!;
    private LocalLeaseManager _leases = null!;
    private ContentGarbageCollector _collector = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("content-gc-").FullName;
        _time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(1));
        _store = new LocalContentStore(Path.Combine(_root, "content"), timeProvider: _time);
        _images = new LocalImageStore(Path.Combine(_root, "images"), _time);
        _leases = new LocalLeaseManager(Path.Combine(_root, "leases"), _time);
        _collector = new ContentGarbageCollector(_store, _images, _leases, _time);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Collect_KeepsEverythingANamedImageReaches_AndRemovesTheRest()
    {
        var image = await WriteImageAsync("one");
        var orphan = await _store.WriteBlobAsync(MediaType.OciLayerGzip, Encoding.UTF8.GetBytes("orphan"));
        await _images.SetAsync(ImageReference.Parse("app:1"), image.Manifest);

        var result = await _collector.CollectAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(result.Removed, Is.EqualTo(new[] { orphan.Digest }));
            Assert.That(result.BytesFreed, Is.EqualTo(orphan.Size));
            foreach (var kept in new[] { image.Manifest, image.Config, image.Layer })
            {
                Assert.That(await _store.ExistsAsync(kept.Digest), Is.True, kept.ToString());
            }
        });
    }

    [Test]
    public async Task Collect_FollowsAnIndexToEveryManifest()
    {
        var amd64 = await WriteImageAsync("amd64");
        var arm64 = await WriteImageAsync("arm64");
        var index = new ImageIndex
        {
            MediaType = MediaType.OciIndex,
            Manifests = [amd64.Manifest, arm64.Manifest],
        };
        var indexDescriptor = await _store.WriteBlobAsync(MediaType.OciIndex, OciDocuments.Serialize(index));
        await _images.SetAsync(ImageReference.Parse("multi:latest"), indexDescriptor);

        var result = await _collector.CollectAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Removed, Is.Empty);
            Assert.That(result.Kept, Is.EqualTo(7), "index, two manifests, two configs, two layers");
        });
    }

    [Test]
    public async Task Collect_AfterTheImageNameIsDeleted_RemovesItsBlobs()
    {
        var image = await WriteImageAsync("gone");
        var name = ImageReference.Parse("gone:1");
        await _images.SetAsync(name, image.Manifest);
        await _images.DeleteAsync(name);

        var result = await _collector.CollectAsync();

        Assert.That(result.Removed, Is.EquivalentTo(new[] { image.Manifest.Digest, image.Config.Digest, image.Layer.Digest }));
    }

    [Test]
    public async Task Collect_KeepsLeasedBlobs_UntilTheLeaseExpires()
    {
        var blob = await _store.WriteBlobAsync(MediaType.OciLayerGzip, Encoding.UTF8.GetBytes("pull in progress"));
        await _leases.CreateAsync("pull-1", TimeSpan.FromMinutes(10));
        await _leases.AddResourceAsync("pull-1", blob.Digest);

        var during = await _collector.CollectAsync();
        _time.Advance(TimeSpan.FromMinutes(11));
        var after = await _collector.CollectAsync();

        Assert.Multiple(() =>
        {
            Assert.That(during.Removed, Is.Empty);
            Assert.That(after.ExpiredLeasesRemoved, Is.EqualTo(1));
            Assert.That(after.Removed, Is.EqualTo(new[] { blob.Digest }));
        });
    }

    [Test]
    public async Task Collect_KeepsBlobsCommittedAfterItStarted()
    {
        // The store clock says "now" is a day ahead of the file times, so back-date nothing and
        // instead move the collector's start before the blob's commit time.
        var collector = new ContentGarbageCollector(_store, _images, _leases, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-5)));
        var fresh = await _store.WriteBlobAsync(MediaType.OciLayerGzip, Encoding.UTF8.GetBytes("just written"));

        var result = await collector.CollectAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(result.Removed, Is.Empty);
            Assert.That(await _store.ExistsAsync(fresh.Digest), Is.True);
        });
    }

    [Test]
    public async Task Leases_DuplicateIdOrBadId_AreRefused()
    {
        await _leases.CreateAsync("build-7");

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<Errors.AlreadyExistsException>(async () => await _leases.CreateAsync("build-7"));
            Assert.ThrowsAsync<Errors.InvalidArgumentException>(async () => await _leases.CreateAsync("../escape"));
            Assert.ThrowsAsync<Errors.NotFoundException>(async () => await _leases.AddResourceAsync("missing", Digest.Compute("x"u8)));
        });
    }

    [Test]
    public async Task ImageStore_SetGetListDelete_RoundTripsByNormalizedName()
    {
        var image = await WriteImageAsync("named");
        await _images.SetAsync(ImageReference.Parse("nginx"), image.Manifest);

        var record = await _images.GetAsync(ImageReference.Parse("docker.io/library/nginx:latest"));
        var names = new List<string>();
        await foreach (var r in _images.ListAsync())
        {
            names.Add(r.Name);
        }

        Assert.Multiple(() =>
        {
            Assert.That(record.Target, Is.EqualTo(image.Manifest));
            Assert.That(names, Is.EqualTo(new[] { "docker.io/library/nginx:latest" }));
            Assert.ThrowsAsync<Errors.InvalidArgumentException>(async () => await _images.SetAsync(ImageReference.Parse("x"), image.Layer));
            Assert.ThrowsAsync<Errors.NotFoundException>(async () => await _images.GetAsync(ImageReference.Parse("absent")));
        });
    }

    private async Task<(Descriptor Manifest, Descriptor Config, Descriptor Layer)> WriteImageAsync(string seed)
    {
        var layer = await _store.WriteBlobAsync(MediaType.OciLayer, Encoding.UTF8.GetBytes($"layer {seed}"));
        var config = new ImageConfiguration { OS = "linux", Architecture = "amd64", RootFs = new RootFs { DiffIds = [layer.Digest] } };
        var configDescriptor = await _store.WriteBlobAsync(MediaType.OciConfig, OciDocuments.Serialize(config));
        var manifest = new ImageManifest { MediaType = MediaType.OciManifest, Config = configDescriptor, Layers = [layer] };
        var manifestDescriptor = await _store.WriteBlobAsync(MediaType.OciManifest, OciDocuments.Serialize(manifest));
        return (manifestDescriptor, configDescriptor, layer);
    }
}
