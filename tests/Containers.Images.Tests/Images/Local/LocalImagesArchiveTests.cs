using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Images.Tests.Layout;
using LayoutImages = Containers.Images.Tests.Layout.TestImages;

namespace Containers.Images.Tests.Local;

/// <summary><c>save</c> and <c>load</c> through <see cref="LocalImages"/>: round trips between stores, the real tools, and hostile archives.</summary>
public sealed class LocalImagesArchiveTests : LayoutTestBase
{
    private const string Skopeo = "/usr/bin/skopeo";

    private LocalImages _source = null!;
    private LocalImages _target = null!;

    [SetUp]
    public void CreateStores()
    {
        _source = new LocalImages(PathFor("source"));
        _target = new LocalImages(PathFor("target"));
    }

    [TestCase(ArchiveFormat.Docker)]
    [TestCase(ArchiveFormat.Oci)]
    public async Task Save_ThenLoadIntoACleanStore_GivesTheSameImagesBlobForBlob(ArchiveFormat format)
    {
        var (app, other, unnamed) = await AddImagesAsync();

        await _source.SaveAsync(["app:v1", "localhost:5000/team/other:2", unnamed.Manifest.Config.Digest.Hex[..12], "app:v1"], PathFor("images.tar"), format);
        var loaded = await _target.LoadAsync(PathFor("images.tar"));

        Assert.That(loaded.Select(l => (l.Name?.ToString(), l.ImageId)), Is.EquivalentTo(new (string?, Digest)[]
        {
            ("docker.io/library/app:v1", app.Manifest.Config.Digest),
            ("localhost:5000/team/other:2", other.Manifest.Config.Digest),
            (null, unnamed.Manifest.Config.Digest),
        }));
        foreach (var (reference, original) in new[] { ("app:v1", app), ("localhost:5000/team/other:2", other), (unnamed.Manifest.Config.Digest.Hex, unnamed) })
        {
            var copy = await _target.ResolveAsync(reference);
            Assert.Multiple(() =>
            {
                Assert.That(copy.RawConfig.ToArray(), Is.EqualTo(original.RawConfig.ToArray()), $"{reference}: the config, byte for byte");
                Assert.That(copy.Layers.Select(l => (l.Digest, l.DiffId)), Is.EqualTo(original.Layers.Select(l => (l.Digest, l.DiffId))), $"{reference}: the layer blobs");
                // A docker archive keeps no manifest; load restates it in Docker's media types, as save wrote it.
                Assert.That(copy.Digest, Is.EqualTo(format == ArchiveFormat.Oci ? original.Digest : DockerMediaTypes.Convert(original).Digest), $"{reference}: the manifest");
            });
        }

        var rows = await _target.ListAsync();
        Assert.That(rows.Select(r => r.Repository), Is.EquivalentTo(new[] { "app", "localhost:5000/team/other", null }), "the unnamed image is listed without a name");
    }

    [Test]
    public async Task SavedOciArchive_IsReadBySkopeo()
    {
        ProcessRunner.Require(Skopeo);
        var (app, _, _) = await AddImagesAsync();
        await _source.SaveAsync(["app:v1"], PathFor("app.tar"), ArchiveFormat.Oci);

        var inspected = JsonNode.Parse(await ProcessRunner.RunAsync(Skopeo, "inspect", $"oci-archive:{PathFor("app.tar")}:docker.io/library/app:v1"))!;

        Assert.Multiple(() =>
        {
            Assert.That((string?)inspected["Digest"], Is.EqualTo(app.Digest.ToString()));
            Assert.That(inspected["Layers"]!.AsArray().Select(l => (string?)l), Is.EqualTo(app.Layers.Select(l => l.Digest.ToString())));
        });
    }

    [Test]
    public async Task SavedDockerArchive_IsReadBySkopeo()
    {
        ProcessRunner.Require(Skopeo);
        var (app, _, _) = await AddImagesAsync();
        await _source.SaveAsync(["app:v1"], PathFor("app.tar"), ArchiveFormat.Docker);

        var raw = JsonNode.Parse(await ProcessRunner.RunAsync(Skopeo, "inspect", "--raw", $"docker-archive:{PathFor("app.tar")}:app:v1"))!;
        var inspected = JsonNode.Parse(await ProcessRunner.RunAsync(Skopeo, "inspect", $"docker-archive:{PathFor("app.tar")}:app:v1"))!;

        Assert.Multiple(() =>
        {
            Assert.That((string?)raw["config"]!["digest"], Is.EqualTo(app.Manifest.Config.Digest.ToString()), "skopeo finds our config");
            Assert.That(inspected["Env"]!.AsArray().Select(e => (string?)e), Does.Contain("GREETING=hello"));
            Assert.That(inspected["Layers"]!.AsArray(), Has.Count.EqualTo(app.Layers.Count));
        });
    }

    [Test]
    public async Task Load_AnArchiveSkopeoWrote_NamesItsImageByItsReference()
    {
        ProcessRunner.Require(Skopeo);
        var (app, _, _) = await AddImagesAsync();
        await _source.SaveAsync(["app:v1"], PathFor("ours.tar"), ArchiveFormat.Oci);
        await ProcessRunner.RunAsync(Skopeo, "copy", $"oci-archive:{PathFor("ours.tar")}:docker.io/library/app:v1", $"docker-archive:{PathFor("skopeo.tar")}:example.com/copied:v9");

        var loaded = await _target.LoadAsync(PathFor("skopeo.tar"));

        Assert.Multiple(async () =>
        {
            Assert.That(loaded.Select(l => l.Name?.ToString()), Is.EqualTo(new[] { "example.com/copied:v9" }));
            Assert.That((await _target.ResolveAsync("example.com/copied:v9")).Layers.Select(l => l.DiffId), Is.EqualTo(app.Layers.Select(l => l.DiffId)));
        });
    }

    public static IEnumerable<TestCaseData> HostileManifests()
    {
        yield return new TestCaseData("""[{"Config":"../../etc/passwd","RepoTags":["app:v1"],"Layers":[]}]""", "escapes the archive").SetName("Load_AManifestNamingAFileOutside_IsRefusedAndStoresNothing");
        yield return new TestCaseData("""[{"Config":"/etc/passwd","RepoTags":["app:v1"],"Layers":[]}]""", "absolute path").SetName("Load_AManifestNamingAnAbsolutePath_IsRefusedAndStoresNothing");
    }

    [TestCaseSource(nameof(HostileManifests))]
    public async Task Load_HostileManifest(string manifest, string expected)
    {
        await AddImagesAsync();
        await _source.SaveAsync(["app:v1"], PathFor("app.tar"), ArchiveFormat.Docker);
        await TarFiles.RewriteAsync(PathFor("app.tar"), PathFor("hostile.tar"), e => e.Name == "manifest.json" ? null : e, TarFiles.File("manifest.json", manifest));

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await _target.LoadAsync(PathFor("hostile.tar")));

        Assert.That(error!.Message, Does.Contain(expected).And.Contain(PathFor("hostile.tar")));
        await AssertTargetUntouchedAsync();
    }

    [Test]
    public async Task Load_ALayerThatIsNotTheDiffIdItsConfigLists_IsRefusedAndStoresNothing()
    {
        var (app, _, _) = await AddImagesAsync();
        var stranger = await LayoutImages.LayerAsync(NewDirectory("stranger"), "stranger", LayerCompression.Gzip, [("x", "y")]);
        var lying = Mutate.WithConfig(app, c => c with { RootFs = c.RootFs with { DiffIds = [stranger.DiffId, .. c.RootFs.DiffIds.Skip(1)] } });
        await _source.AddAsync(lying, ImageReference.Parse("lying"));
        await _source.SaveAsync(["lying"], PathFor("lying.tar"), ArchiveFormat.Docker);

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await _target.LoadAsync(PathFor("lying.tar")));

        Assert.That(error!.Message, Does.Contain("DiffID").And.Contain(stranger.DiffId.ToString()));
        await AssertTargetUntouchedAsync();
    }

    [Test]
    public async Task Load_ABlobThatIsNotWhatItsNameSays_IsRefusedAndStoresNothing()
    {
        var (app, _, _) = await AddImagesAsync();
        await _source.SaveAsync(["app:v1"], PathFor("app.tar"), ArchiveFormat.Oci);
        var victim = $"blobs/sha256/{app.Layers[0].Digest.Hex}";
        await TarFiles.RewriteAsync(PathFor("app.tar"), PathFor("tampered.tar"), e => e.Name == victim ? TarFiles.File(victim, "not the layer") : e);

        Assert.ThrowsAsync<DigestMismatchException>(async () => await _target.LoadAsync(PathFor("tampered.tar")));

        await AssertTargetUntouchedAsync();
    }

    [Test]
    public async Task Load_ATarThatIsNoImageArchive_SaysWhatItLacks()
    {
        await TarFiles.WriteAsync(PathFor("plain.tar"), [TarFiles.File("hello.txt", "hi")]);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await _target.LoadAsync(PathFor("plain.tar")));

        Assert.That(error!.Message, Does.Contain("neither manifest.json").And.Contain("oci-layout"));
        await AssertTargetUntouchedAsync();
    }

    [Test]
    public void Save_AMissingImage_WritesNoArchive()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => _source.SaveAsync(["nothing:here"], PathFor("none.tar")).AsTask(), Throws.InstanceOf<NotFoundException>());
            Assert.That(() => _source.SaveAsync([], PathFor("none.tar")).AsTask(), Throws.InstanceOf<InvalidArgumentException>());
            Assert.That(File.Exists(PathFor("none.tar")), Is.False);
        });
    }

    /// <summary>Three images in the source store: app:v1, localhost:5000/team/other:2 and one without a name.</summary>
    private async Task<(IImage App, IImage Other, IImage Unnamed)> AddImagesAsync()
    {
        var app = await LayoutImages.BuildAsync(NewDirectory("app"), variant: "app");
        var other = await LayoutImages.BuildAsync(NewDirectory("other"), variant: "other");
        var unnamed = Mutate.SetEnv(other, "UNNAMED=1");
        await _source.AddAsync(app, ImageReference.Parse("app:v1"));
        await _source.AddAsync(other, ImageReference.Parse("localhost:5000/team/other:2"));
        await _source.AddAsync(unnamed);
        return (app, other, unnamed);
    }

    private async Task AssertTargetUntouchedAsync()
    {
        var blobs = new List<Digest>();
        await foreach (var blob in _target.Content.WalkAsync())
        {
            blobs.Add(blob.Digest);
        }

        var staged = Directory.Exists(_target.TemporaryDirectory) ? Directory.GetFileSystemEntries(_target.TemporaryDirectory) : [];
        Assert.Multiple(async () =>
        {
            Assert.That(blobs, Is.Empty, "no blob of a refused archive reaches the store");
            Assert.That(await _target.ListAsync(), Is.Empty);
            Assert.That(staged, Is.Empty, "the staging directory is cleaned up");
        });
    }
}
