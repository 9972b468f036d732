using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Images.Content.Local;
using Containers.Images.Layout;

namespace Containers.Images.Tests.Layout;

public sealed class DockerArchiveTests : LayoutTestBase
{
    private static readonly ImageReference Nginx = ImageReference.Parse("nginx:latest");
    private static readonly ImageReference App = ImageReference.Parse("example.com:5000/team/app:v2");

    [Test]
    public async Task WrittenArchive_LoadsBackAsTheSameImageInDockerMediaTypes()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx, App])]);

        var loaded = await DockerArchive.LoadAsync(PathFor("image.tar"), new LocalContentStore(PathFor("store")));

        Assert.That(loaded, Has.Count.EqualTo(1));
        var (read, tags) = loaded[0];
        Assert.Multiple(async () =>
        {
            Assert.That(tags.Select(t => t.ToString()), Is.EqualTo(new[] { "docker.io/library/nginx:latest", "example.com:5000/team/app:v2" }));
            Assert.That(read.MediaType, Is.EqualTo(MediaType.DockerManifest));
            Assert.That(read.Manifest.Config.MediaType, Is.EqualTo(MediaType.DockerConfig));
            Assert.That(read.Manifest.Layers.Select(l => l.MediaType), Is.All.EqualTo(MediaType.DockerLayerGzip));
            Assert.That(read.Manifest.Config.Digest, Is.EqualTo(image.Manifest.Config.Digest), "the config, and so the image ID, is unchanged");
            Assert.That(read.Layers.Select(l => l.Digest), Is.EqualTo(image.Layers.Select(l => l.Digest)), "the layer blobs are the same");
            Assert.That(read.Layers.Select(l => l.DiffId), Is.EqualTo(image.Layers.Select(l => l.DiffId)));
            Assert.That(await ImageValidator.ValidateAsync(read, verifyLayers: true), Is.Empty);
            Assert.That(await TestImages.ReadFileAsync(read.Layers[1], TestImages.MorePath), Is.EqualTo(TestImages.MoreContent));
        });
    }

    [Test]
    public async Task WrittenArchive_NamesImagesAsDockerSaveDoes()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx])]);

        var manifest = JsonNode.Parse(await TarFiles.ReadAsync(PathFor("image.tar"), "manifest.json"))!.AsArray();
        var repositories = JsonNode.Parse(await TarFiles.ReadAsync(PathFor("image.tar"), "repositories"))!;
        var index = JsonNode.Parse(await TarFiles.ReadAsync(PathFor("image.tar"), "index.json"))!;
        var names = await TarFiles.ListAsync(PathFor("image.tar"));

        Assert.Multiple(() =>
        {
            Assert.That(manifest, Has.Count.EqualTo(1));
            Assert.That((string?)manifest[0]!["Config"], Is.EqualTo($"blobs/sha256/{image.Manifest.Config.Digest.Hex}"));
            Assert.That(manifest[0]!["RepoTags"]!.AsArray().Select(t => (string?)t), Is.EqualTo(new[] { "nginx:latest" }));
            Assert.That(manifest[0]!["Layers"]!.AsArray().Select(t => (string?)t), Is.EqualTo(image.Layers.Select(l => $"blobs/sha256/{l.Digest.Hex}")));
            Assert.That((string?)repositories["nginx"]!["latest"], Is.EqualTo(image.Layers[^1].Digest.Hex));
            Assert.That((string?)index["manifests"]![0]!["annotations"]![OciAnnotations.RefName], Is.EqualTo("latest"));
            Assert.That((string?)index["manifests"]![0]!["annotations"]![OciAnnotations.ContainerdImageName], Is.EqualTo("docker.io/library/nginx:latest"));
            Assert.That((string?)index["manifests"]![0]!["mediaType"], Is.EqualTo(MediaType.DockerManifest.ToString()));
            Assert.That(names, Does.Contain("oci-layout").And.Contain("index.json"));
        });
    }

    [Test]
    public async Task WrittenArchive_IsAlsoAnOciLayout()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx])]);

        var layout = await OciArchive.ExtractAsync(PathFor("image.tar"), PathFor("layout"));
        var read = await layout.GetImageAsync("latest");

        Assert.Multiple(async () =>
        {
            Assert.That(read.MediaType, Is.EqualTo(MediaType.DockerManifest));
            Assert.That(await ImageValidator.ValidateAsync(read, verifyLayers: true), Is.Empty);
        });
    }

    [Test]
    public async Task Extract_TagsEachImageByItsFamiliarNameInANewLayout()
    {
        var work = NewDirectory("work");
        var first = await TestImages.BuildAsync(work, variant: "a");
        var second = await TestImages.BuildAsync(work, variant: "b");
        await DockerArchive.WriteAsync(PathFor("images.tar"), [new DockerArchiveImage(first, [Nginx]), new DockerArchiveImage(second, [App])]);

        var images = await DockerArchive.ExtractAsync(PathFor("images.tar"), PathFor("layout"));
        var layout = await OciLayout.OpenAsync(PathFor("layout"));

        Assert.Multiple(async () =>
        {
            Assert.That(await layout.ListTagsAsync(), Is.EqualTo(new[] { "nginx:latest", "example.com:5000/team/app:v2" }));
            Assert.That((await layout.GetImageAsync("example.com:5000/team/app:v2")).Digest, Is.EqualTo(images[1].Image.Digest));
            Assert.That(images[1].Image.Manifest.Config.Digest, Is.EqualTo(second.Manifest.Config.Digest));
            foreach (var (image, _) in images)
            {
                // The images read from where the layout now is, not from the staging directory that is gone.
                Assert.That(await ImageValidator.ValidateAsync(image, verifyLayers: true), Is.Empty);
            }
        });
    }

    [Test]
    public async Task UncompressedLayers_RoundTripAsDockerTarLayers()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"), LayerCompression.None);
        await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx])]);

        var (read, _) = (await DockerArchive.LoadAsync(PathFor("image.tar"), new LocalContentStore(PathFor("store"))))[0];

        Assert.Multiple(async () =>
        {
            Assert.That(read.Manifest.Layers.Select(l => l.MediaType), Is.All.EqualTo(MediaType.DockerLayer));
            Assert.That(read.Layers.Select(l => l.DiffId), Is.EqualTo(image.Layers.Select(l => l.Digest)));
            Assert.That(await ImageValidator.ValidateAsync(read, verifyLayers: true), Is.Empty);
            Assert.That(await TestImages.ReadFileAsync(read.Layers[0], TestImages.HelloPath), Is.EqualTo(TestImages.HelloContent));
        });
    }

    [Test]
    public async Task GzipCompressedArchive_IsReadToo()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx])]);
        await TarFiles.GzipAsync(PathFor("image.tar"), PathFor("image.tar.gz"));

        var loaded = await DockerArchive.LoadAsync(PathFor("image.tar.gz"), new LocalContentStore(PathFor("store")));

        Assert.That(loaded[0].Image.Manifest.Config.Digest, Is.EqualTo(image.Manifest.Config.Digest));
    }

    [Test]
    public async Task LegacyArchive_WithLayerDirectoriesAndLinksBetweenThem_IsRead()
    {
        var (full, baseImage) = await WriteLegacyArchiveAsync(PathFor("legacy.tar"), LayerCompression.Gzip);

        var loaded = await DockerArchive.LoadAsync(PathFor("legacy.tar"), new LocalContentStore(PathFor("store")));

        Assert.That(loaded, Has.Count.EqualTo(2));
        Assert.Multiple(async () =>
        {
            Assert.That(loaded[0].RepoTags.Select(t => t.ToString()), Is.EqualTo(new[] { "docker.io/library/legacy:full" }));
            Assert.That(loaded[0].Image.Manifest.Config.Digest, Is.EqualTo(full.Manifest.Config.Digest));
            Assert.That(loaded[0].Image.Manifest.Layers.Select(l => l.MediaType), Is.EqualTo(new[] { MediaType.DockerLayer, MediaType.DockerLayerGzip }));
            Assert.That(loaded[1].Image.Manifest.Config.Digest, Is.EqualTo(baseImage.Manifest.Config.Digest));
            Assert.That(loaded[1].Image.Layers[0].Digest, Is.EqualTo(loaded[0].Image.Layers[0].Digest), "the linked layer is the same blob");
            foreach (var (image, _) in loaded)
            {
                Assert.That(await ImageValidator.ValidateAsync(image, verifyLayers: true), Is.Empty);
            }
        });
    }

    [Test]
    public async Task ZstdLayer_IsReadWithOciMediaTypes()
    {
        await WriteLegacyArchiveAsync(PathFor("legacy.tar"), LayerCompression.Zstd);

        var (image, _) = (await DockerArchive.LoadAsync(PathFor("legacy.tar"), new LocalContentStore(PathFor("store"))))[0];

        Assert.Multiple(async () =>
        {
            Assert.That(image.MediaType, Is.EqualTo(MediaType.OciManifest));
            Assert.That(image.Manifest.Layers.Select(l => l.MediaType), Is.EqualTo(new[] { MediaType.OciLayer, MediaType.OciLayerZstd }));
            Assert.That(await ImageValidator.ValidateAsync(image, verifyLayers: true), Is.Empty);
        });
    }

    [Test]
    public async Task WritingAnImageWithZstdLayers_IsRefused()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"), LayerCompression.Zstd);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () =>
            await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx])]));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("zstd").And.Contain(image.Layers[0].Digest.ToString()));
            Assert.That(File.Exists(PathFor("image.tar")), Is.False);
        });
    }

    [Test]
    public async Task WritingAReferenceWithoutATag_IsRefused()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        var pinned = ImageReference.Parse($"nginx@{image.Digest}");

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () =>
            await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [pinned])]));

        Assert.That(error.Message, Does.Contain(pinned.ToString()).And.Contain("no tag"));
    }

    [Test]
    public void WritingNoImages_IsRefused()
    {
        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await DockerArchive.WriteAsync(PathFor("image.tar"), []));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(PathFor("image.tar")).And.Contain("no images"));
            Assert.That(File.Exists(PathFor("image.tar")), Is.False);
        });
    }

    public static IEnumerable<TestCaseData> HostileArchives()
    {
        yield return new TestCaseData(null, TarFiles.File("../escape.txt", "x"), "../escape.txt", "escapes the archive").SetName("AnEntryWithDotDot_IsRefused");
        yield return new TestCaseData(null, TarFiles.File("/etc/evil.conf", "x"), "/etc/evil.conf", "absolute path").SetName("AnAbsoluteEntry_IsRefused");
        yield return new TestCaseData(null, TarFiles.Symlink("abc/layer.tar", "../../etc/passwd"), "abc/layer.tar", "escapes the archive").SetName("ASymlinkOutOfTheArchive_IsRefused");
        yield return new TestCaseData(null, TarFiles.Symlink("abc/layer.tar", "/etc/passwd"), "abc/layer.tar", "absolute path").SetName("ASymlinkToAnAbsolutePath_IsRefused");
        yield return new TestCaseData(null, TarFiles.HardLink("abc/layer.tar", "manifest.json"), "abc/layer.tar", "hard link").SetName("AHardLink_IsRefused");
        yield return new TestCaseData(null, new PaxTarEntry(TarEntryType.Fifo, "pipe"), "pipe", "named pipe").SetName("AFifo_IsRefused");
        yield return new TestCaseData(
            "manifest.json", TarFiles.File("manifest.json", new string(' ', OciDocuments.MaxManifestSize + 1)), "manifest.json", "over the limit").SetName("AnOversizedManifest_IsRefused");
        yield return new TestCaseData(
            "manifest.json", TarFiles.File("manifest.json", """[{"Config":"../config.json","RepoTags":null,"Layers":[]}]"""), "../config.json", "escapes the archive").SetName("AManifestNamingAFileOutside_IsRefused");
        yield return new TestCaseData(
            "manifest.json", TarFiles.File("manifest.json", """[{"Config":"/etc/passwd","RepoTags":null,"Layers":[]}]"""), "/etc/passwd", "absolute path").SetName("AManifestNamingAnAbsolutePath_IsRefused");
        yield return new TestCaseData(
            "manifest.json", TarFiles.File("manifest.json", """[{"Config":"missing.json","RepoTags":null,"Layers":[]}]"""), "missing.json", "does not contain").SetName("AManifestNamingAMissingFile_IsRefused");
        yield return new TestCaseData(
            "manifest.json", TarFiles.File("manifest.json", "{not json"), "manifest.json", "not valid").SetName("AManifestThatIsNotJson_IsRefused");
        yield return new TestCaseData(
            "manifest.json", TarFiles.File("other.txt", "no manifest here"), "manifest.json", "no manifest.json").SetName("AnArchiveWithoutManifest_IsRefused");
    }

    [TestCaseSource(nameof(HostileArchives))]
    public async Task HostileArchive(string? replaced, TarEntry hostile, string named, string expected)
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx])]);
        await TarFiles.RewriteAsync(PathFor("image.tar"), PathFor("hostile.tar"), e => e.Name == replaced ? null : e, hostile);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await DockerArchive.ExtractAsync(PathFor("hostile.tar"), PathFor("layout")));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(expected));
            Assert.That(error.Message, Does.Contain(PathFor("hostile.tar")), "the message names the archive");
            Assert.That(error.Message, Does.Contain(named), "the message names the entry");
            Assert.That(Directory.Exists(PathFor("layout")), Is.False, "nothing is left at the destination");
        });
    }

    [Test]
    public async Task ABlobWhoseBytesDoNotMatchItsName_IsRefused()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await DockerArchive.WriteAsync(PathFor("image.tar"), [new DockerArchiveImage(image, [Nginx])]);
        var victim = $"blobs/sha256/{image.Layers[1].Digest.Hex}";
        var stranger = await TestImages.LayerAsync(PathFor("work"), "stranger", LayerCompression.Gzip, [("x", "y")]);
        await TarFiles.RewriteAsync(PathFor("image.tar"), PathFor("tampered.tar"), e => e.Name == victim ? TarFiles.File(victim, File.ReadAllBytes(stranger.Path)) : e);

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await DockerArchive.ExtractAsync(PathFor("tampered.tar"), PathFor("layout")));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(victim).And.Contain(PathFor("tampered.tar")));
            Assert.That(Directory.Exists(PathFor("layout")), Is.False);
        });
    }

    [Test]
    public async Task ALayerWhoseDiffIdIsNotTheConfigs_IsRefused()
    {
        await WriteLegacyArchiveAsync(PathFor("legacy.tar"), LayerCompression.Gzip);
        var stranger = await TestImages.LayerAsync(PathFor("work"), "stranger", LayerCompression.Gzip, [("x", "y")]);
        await TarFiles.RewriteAsync(PathFor("legacy.tar"), PathFor("swapped.tar"), e => e.Name == "layer-2/layer.tar" ? TarFiles.File(e.Name, File.ReadAllBytes(stranger.Path)) : e);

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await DockerArchive.ExtractAsync(PathFor("swapped.tar"), PathFor("layout")));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("layer-2/layer.tar").And.Contain("DiffID").And.Contain(stranger.DiffId.ToString()));
            Assert.That(Directory.Exists(PathFor("layout")), Is.False);
        });
    }

    /// <summary>
    /// An archive as docker save wrote it before Docker 25: a directory a layer, a config named
    /// by its digest, a symlink for a layer seen twice, and manifest.json last. It holds two
    /// images: "legacy:full" (an uncompressed layer and one in <paramref name="second"/>) and
    /// "legacy:base" (the first layer alone, linked).
    /// </summary>
    private async Task<(IImage Full, IImage Base)> WriteLegacyArchiveAsync(string path, LayerCompression second)
    {
        var work = NewDirectory("work");
        var plain = await TestImages.LayerAsync(work, "plain", LayerCompression.None, [("a.txt", "a\n")]);
        var packed = await TestImages.LayerAsync(work, "packed", second, [("b.txt", "b\n")]);
        var full = Mutate.AppendLayers(Image.Empty(TestImages.Platform), plain, packed);
        var baseImage = Mutate.AppendLayers(Image.Empty(TestImages.Platform), plain);
        var manifest = JsonSerializer.Serialize(new[]
        {
            new { Config = $"{full.Manifest.Config.Digest.Hex}.json", RepoTags = new[] { "legacy:full" }, Layers = new[] { "layer-1/layer.tar", "layer-2/layer.tar" } },
            new { Config = $"{baseImage.Manifest.Config.Digest.Hex}.json", RepoTags = new[] { "legacy:base" }, Layers = new[] { "layer-3/layer.tar" } },
        });
        await TarFiles.WriteAsync(path,
        [
            TarFiles.Directory("layer-1/"),
            TarFiles.File("layer-1/VERSION", "1.0"),
            TarFiles.File("layer-1/json", "{}"),
            TarFiles.File("layer-1/layer.tar", await File.ReadAllBytesAsync(plain.Path)),
            TarFiles.Directory("layer-2/"),
            TarFiles.File("layer-2/layer.tar", await File.ReadAllBytesAsync(packed.Path)),
            TarFiles.Directory("layer-3/"),
            TarFiles.Symlink("layer-3/layer.tar", "../layer-1/layer.tar"),
            TarFiles.File($"{full.Manifest.Config.Digest.Hex}.json", full.RawConfig.ToArray()),
            TarFiles.File($"{baseImage.Manifest.Config.Digest.Hex}.json", baseImage.RawConfig.ToArray()),
            TarFiles.File("repositories", """{"legacy":{"full":"layer-2","base":"layer-1"}}"""),
            TarFiles.File("manifest.json", manifest),
        ]);
        return (full, baseImage);
    }
}
