using System.Diagnostics;
using System.Text.Json;
using Containers.Images.Content;
using Containers.Images.Engine;
using Containers.Images.Layout;
using Containers.Images.Registry;
using Containers.Images.Tests.Engine;
using Containers.Testing;

namespace Containers.Images.Tests.Registry;

/// <summary>
/// The client against the reference registry (<c>docker-registry</c>) on 127.0.0.1, and against
/// skopeo, the reference client: images built here go in and come back digest for digest, and an
/// image skopeo put in is pulled here and run.
/// </summary>
public sealed class RegistryInteropTests : EngineTest
{
    private RegistryServer _server = null!;
    private RegistryClient _client = null!;
    private string _work = null!;

    [OneTimeSetUp]
    public async Task StartRegistry()
    {
        _server = await RegistryServer.StartOrIgnoreAsync();
        var options = RegistryClientTest.FastOptions();
        _client = new RegistryClient(options);
    }

    [OneTimeTearDown]
    public async Task StopRegistry()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [SetUp]
    public void CreateWorkDirectory() => _work = Directory.CreateTempSubdirectory("registry-interop-").FullName;

    [TearDown]
    public void RemoveWorkDirectory() => Directory.Delete(_work, recursive: true);

    [Test]
    public async Task PushedImage_PulledIntoACleanStore_IsTheSameDigestForDigest()
    {
        var source = new LocalImages(Path.Combine(_work, "source"));
        var reference = Reference("roundtrip/busybox:v1");
        var pushed = await source.AddAsync(Image, reference);

        var push = await _client.PushAsync(source, reference);
        var clean = new LocalImages(Path.Combine(_work, "clean"));
        var pull = await _client.PullAsync(clean, reference);

        Assert.Multiple(() =>
        {
            Assert.That(push.Target.Digest, Is.EqualTo(pushed.Digest));
            Assert.That(push.BlobsUploaded, Is.EqualTo(2));
            Assert.That(pull.Target.Digest, Is.EqualTo(pushed.Digest));
            Assert.That(pull.Image.Manifest.Config.Digest, Is.EqualTo(Image.Manifest.Config.Digest));
            Assert.That(pull.Image.Layers.Select(l => l.Digest), Is.EqualTo(Image.Layers.Select(l => l.Digest)));
            Assert.That(pull.Image.RawManifest.ToArray(), Is.EqualTo(Image.RawManifest.ToArray()));
        });
    }

    [Test]
    public async Task PushAgainAndToAnotherRepository_SkipsAndMountsWhatTheRegistryHas()
    {
        var images = new LocalImages(Path.Combine(_work, "images"));
        var first = Reference("mount/source:v1");
        var second = Reference("mount/target:v1");
        await images.AddAsync(Image, first);
        await images.TagAsync(first.ToString(), second.ToString());
        await _client.PushAsync(images, first);

        var again = await _client.PushAsync(images, first);
        var mounted = await _client.PushAsync(images, second, new PushOptions { MountFrom = ["mount/source"] });

        Assert.Multiple(() =>
        {
            Assert.That(again.BlobsPresent, Is.EqualTo(2));
            Assert.That(again.BlobsUploaded, Is.Zero);
            Assert.That(mounted.BlobsMounted, Is.EqualTo(2));
            Assert.That(mounted.BlobsUploaded, Is.Zero);
        });
    }

    [Test]
    public async Task ChunkedPush_IsAcceptedByTheRegistry()
    {
        var options = RegistryClientTest.FastOptions();
        options.ChunkSize = 256 * 1024;
        using var client = new RegistryClient(options);
        var images = new LocalImages(Path.Combine(_work, "images"));
        var reference = Reference("chunked/busybox:v1");
        await images.AddAsync(Image, reference);

        await client.PushAsync(images, reference);
        var pulled = await client.PullAsync(new LocalImages(Path.Combine(_work, "clean")), reference);

        Assert.That(pulled.Image.Layers.Select(l => l.Digest), Is.EqualTo(Image.Layers.Select(l => l.Digest)));
    }

    [Test]
    public async Task TagsDeleteAndReferrers_WorkAgainstTheRegistry()
    {
        var images = new LocalImages(Path.Combine(_work, "images"));
        var tags = new[] { "a", "b", "c", "d" };
        foreach (var tag in tags)
        {
            await images.AddAsync(Image, Reference($"tags/busybox:{tag}"));
            await _client.PushAsync(images, Reference($"tags/busybox:{tag}"));
        }

        var listed = await _client.ListTagsAsync(Reference("tags/busybox"), pageSize: 3).ToListAsync();
        var signature = await StoreArtifactAsync(images.Content, Image.Descriptor);
        await _client.PushAsync(images.Content, signature, Reference($"tags/busybox@{signature.Digest}"));
        var referrers = await _client.GetReferrersAsync(Reference("tags/busybox:a"));
        var deleted = await _client.DeleteManifestAsync(Reference("tags/busybox:a"));
        var afterDelete = Assert.ThrowsAsync<RegistryException>(() => _client.GetManifestAsync(Reference("tags/busybox:b")));

        Assert.Multiple(() =>
        {
            Assert.That(listed, Is.EquivalentTo(tags), "every tag once, over two pages");
            Assert.That(referrers.Select(r => r.Digest), Is.EqualTo(new[] { signature.Digest }));
            Assert.That(referrers[0].ArtifactType, Is.EqualTo("application/vnd.example.signature"));
            Assert.That(deleted, Is.EqualTo(Image.Digest));
            Assert.That((int)afterDelete!.StatusCode, Is.EqualTo(404), "deleting by digest removes every tag of the manifest");
        });
    }

    [Test]
    public async Task ImageCopiedInBySkopeo_IsPulledHereAndRuns()
    {
        var layout = await OciLayout.OpenOrCreateAsync(Path.Combine(_work, "layout"));
        await layout.WriteImageAsync(Image, "v1");
        var reference = Reference("skopeo/busybox:v1");
        await SkopeoAsync("copy", $"oci:{layout.Path}:v1", $"docker://{reference}", "--dest-tls-verify=false");

        var images = new LocalImages(Path.Combine(Root, "images"));
        var pull = await _client.PullAsync(images, reference);
        var (status, log, _) = await RunToEndAsync(new ContainerRunSpec(await images.ResolveAsync(reference.ToString())) { Cmd = ["echo", "pulled and running"], Network = "none" });

        Assert.Multiple(() =>
        {
            Assert.That(pull.Image.Layers.Select(l => l.DiffId), Is.EqualTo(Image.Layers.Select(l => l.DiffId)));
            Assert.That(status.ExitCode, Is.Zero);
            Assert.That(log, Does.Contain("pulled and running"));
        });
    }

    [Test]
    public async Task ImagePushedHere_IsInspectedAndCopiedOutBySkopeoWithIdenticalDigests()
    {
        var images = new LocalImages(Path.Combine(_work, "images"));
        var reference = Reference("out/busybox:v1");
        await images.AddAsync(Image, reference);
        var push = await _client.PushAsync(images, reference);

        using var inspect = JsonDocument.Parse(await SkopeoAsync("inspect", "--tls-verify=false", $"docker://{reference}"));
        var layoutPath = Path.Combine(_work, "copied");
        await SkopeoAsync("copy", "--preserve-digests", "--src-tls-verify=false", $"docker://{reference}", $"oci:{layoutPath}:v1");
        var layout = await OciLayout.OpenAsync(layoutPath);
        var copied = await layout.ResolveAsync("v1");
        var copiedImage = await layout.GetImageAsync("v1");

        Assert.Multiple(() =>
        {
            Assert.That(inspect.RootElement.GetProperty("Digest").GetString(), Is.EqualTo(push.Target.Digest.ToString()));
            Assert.That(inspect.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()), Is.EqualTo(Image.Layers.Select(l => l.Digest.ToString())));
            Assert.That(copied.Digest, Is.EqualTo(push.Target.Digest));
            Assert.That(copiedImage.Manifest.Config.Digest, Is.EqualTo(Image.Manifest.Config.Digest));
            Assert.That(copiedImage.Layers.Select(l => l.Digest), Is.EqualTo(Image.Layers.Select(l => l.Digest)));
        });
    }

    private ImageReference Reference(string repositoryAndTag) => ImageReference.Parse($"{_server.Authority}/{repositoryAndTag}");

    private static async Task<Descriptor> StoreArtifactAsync(IContentStore content, Descriptor subject)
    {
        var empty = await content.WriteBlobAsync(MediaType.OciEmpty, "{}"u8.ToArray());
        var payload = await content.WriteBlobAsync(new MediaType("application/octet-stream"), "signed"u8.ToArray());
        var manifest = OciDocuments.Serialize(new ImageManifest
        {
            MediaType = MediaType.OciManifest,
            ArtifactType = "application/vnd.example.signature",
            Config = empty,
            Layers = [payload],
            Subject = subject,
        });
        return await content.WriteBlobAsync(MediaType.OciManifest, manifest);
    }

    private static async Task<string> SkopeoAsync(params string[] arguments)
    {
        if (!File.Exists("/usr/bin/skopeo"))
        {
            Assert.Ignore("needs skopeo (apt-get install skopeo)");
        }

        var start = new ProcessStartInfo("/usr/bin/skopeo") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, $"skopeo {string.Join(' ', arguments)} failed: {await error}");
        return await output;
    }
}
