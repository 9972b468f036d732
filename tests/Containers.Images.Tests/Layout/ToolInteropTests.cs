using System.Text.Json.Nodes;
using Containers.Images.Content.Local;
using Containers.Images.Layout;

namespace Containers.Images.Tests.Layout;

/// <summary>What we write, the real tools read; what they write, we read.</summary>
public sealed class ToolInteropTests : LayoutTestBase
{
    private const string Skopeo = "/usr/bin/skopeo";
    private const string Umoci = "/usr/bin/umoci";

    [Test]
    public async Task OurLayout_IsInspectedBySkopeo()
    {
        ProcessRunner.Require(Skopeo);
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(image, "v1");

        var inspected = JsonNode.Parse(await ProcessRunner.RunAsync(Skopeo, "inspect", $"oci:{layout.Path}:v1"))!;
        var raw = await ProcessRunner.RunAsync(Skopeo, "inspect", "--raw", $"oci:{layout.Path}:v1");

        Assert.Multiple(() =>
        {
            Assert.That((string?)inspected["Digest"], Is.EqualTo(image.Digest.ToString()));
            Assert.That(inspected["Layers"]!.AsArray().Select(l => (string?)l), Is.EqualTo(image.Layers.Select(l => l.Digest.ToString())));
            Assert.That(inspected["Env"]!.AsArray().Select(e => (string?)e), Does.Contain("GREETING=hello"));
            Assert.That(raw.TrimEnd('\n'), Is.EqualTo(System.Text.Encoding.UTF8.GetString(image.RawManifest.Span)));
        });
    }

    [Test]
    public async Task OurLayout_IsUnpackedByUmoci()
    {
        ProcessRunner.Require(Umoci);
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(image, "v1");

        await ProcessRunner.RunAsync(Umoci, [.. RootlessFlag("unpack"), "--image", $"{layout.Path}:v1", PathFor("bundle")]);

        var rootfs = Path.Combine(PathFor("bundle"), "rootfs");
        Assert.Multiple(async () =>
        {
            Assert.That(await File.ReadAllTextAsync(Path.Combine(rootfs, TestImages.HelloPath)), Is.EqualTo(TestImages.HelloContent));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(rootfs, TestImages.MorePath)), Is.EqualTo(TestImages.MoreContent));
            Assert.That(new FileInfo(Path.Combine(rootfs, "link")).LinkTarget, Is.EqualTo(TestImages.HelloPath));
        });
    }

    [Test]
    public async Task AnImageMadeByUmoci_IsReadWithEveryDigestVerified()
    {
        ProcessRunner.Require(Umoci);
        var layoutPath = PathFor("layout");
        var file = PathFor("greeting.txt");
        await File.WriteAllTextAsync(file, "made by umoci\n");
        await ProcessRunner.RunAsync(Umoci, "init", "--layout", layoutPath);
        await ProcessRunner.RunAsync(Umoci, "new", "--image", $"{layoutPath}:v1");
        await ProcessRunner.RunAsync(Umoci, [.. RootlessFlag("insert"), "--image", $"{layoutPath}:v1", file, "/etc/greeting.txt"]);
        await ProcessRunner.RunAsync(Umoci, "config", "--image", $"{layoutPath}:v1", "--config.cmd", "cat", "--config.cmd", "/etc/greeting.txt", "--config.env", "MADE_BY=umoci");

        var layout = await OciLayout.OpenAsync(layoutPath);
        var image = await layout.GetImageAsync("v1");

        Assert.Multiple(async () =>
        {
            Assert.That(await ImageValidator.ValidateAsync(image, verifyLayers: true), Is.Empty);
            Assert.That(image.Config.Config?.Cmd, Is.EqualTo(new[] { "cat", "/etc/greeting.txt" }));
            Assert.That(image.Config.Config?.Env, Does.Contain("MADE_BY=umoci"));
            Assert.That(image.Layers, Has.Count.EqualTo(1));
            Assert.That(await TestImages.ReadFileAsync(image.Layers[0], "etc/greeting.txt"), Is.EqualTo("made by umoci\n"));
        });
    }

    [Test]
    public async Task ADockerArchiveMadeBySkopeo_IsReadWithDiffIdsVerified()
    {
        ProcessRunner.Require(Skopeo);
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(image, "v1");
        await ProcessRunner.RunAsync(Skopeo, "--insecure-policy", "copy", "--quiet", $"oci:{layout.Path}:v1", $"docker-archive:{PathFor("skopeo.tar")}:example.com/team/app:v1");

        var loaded = await DockerArchive.LoadAsync(PathFor("skopeo.tar"), new LocalContentStore(PathFor("store")));

        Assert.That(loaded, Has.Count.EqualTo(1));
        var (read, tags) = loaded[0];
        Assert.Multiple(async () =>
        {
            Assert.That(tags.Select(t => t.ToString()), Is.EqualTo(new[] { "example.com/team/app:v1" }));
            Assert.That(read.Manifest.Config.Digest, Is.EqualTo(image.Manifest.Config.Digest));
            Assert.That(read.Layers.Select(l => l.DiffId), Is.EqualTo(image.Layers.Select(l => l.DiffId)));
            Assert.That(await ImageValidator.ValidateAsync(read, verifyLayers: true), Is.Empty);
            Assert.That(await TestImages.ReadFileAsync(read.Layers[0], TestImages.HelloPath), Is.EqualTo(TestImages.HelloContent));
        });
    }

    [Test]
    public async Task OurDockerArchive_IsCopiedBySkopeoWithTheSameDiffIds()
    {
        ProcessRunner.Require(Skopeo);
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await DockerArchive.WriteAsync(PathFor("ours.tar"), [new DockerArchiveImage(image, [ImageReference.Parse("team/app:v1")])]);

        await ProcessRunner.RunAsync(Skopeo, "--insecure-policy", "copy", "--quiet", $"docker-archive:{PathFor("ours.tar")}", $"oci:{PathFor("copy")}:x");
        var config = JsonNode.Parse(await ProcessRunner.RunAsync(Skopeo, "inspect", "--config", $"oci:{PathFor("copy")}:x"))!;
        var copied = await (await OciLayout.OpenAsync(PathFor("copy"))).GetImageAsync("x");

        Assert.Multiple(async () =>
        {
            Assert.That(config["rootfs"]!["diff_ids"]!.AsArray().Select(d => (string?)d), Is.EqualTo(image.Layers.Select(l => l.DiffId.ToString())));
            Assert.That(copied.Manifest.Config.Digest, Is.EqualTo(image.Manifest.Config.Digest));
            Assert.That(await ImageValidator.ValidateAsync(copied, verifyLayers: true), Is.Empty);
        });
    }

    [Test]
    public async Task OurOciArchive_IsInspectedBySkopeo()
    {
        ProcessRunner.Require(Skopeo);
        var work = NewDirectory("work");
        var image = await TestImages.BuildAsync(work, variant: "a");
        await OciArchive.WriteAsync(PathFor("ours.tar"), [(await TestImages.BuildAsync(work, variant: "b"), "other"), (image, "v1")]);

        var inspected = JsonNode.Parse(await ProcessRunner.RunAsync(Skopeo, "inspect", $"oci-archive:{PathFor("ours.tar")}:v1"))!;

        Assert.That((string?)inspected["Digest"], Is.EqualTo(image.Digest.ToString()));
    }

    [Test]
    public async Task AnOciArchiveMadeBySkopeo_IsExtractedWithEveryDigestVerified()
    {
        ProcessRunner.Require(Skopeo);
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(image, "v1");
        await ProcessRunner.RunAsync(Skopeo, "--insecure-policy", "copy", "--quiet", $"oci:{layout.Path}:v1", $"oci-archive:{PathFor("skopeo.tar")}:v1");

        var extracted = await OciArchive.ExtractAsync(PathFor("skopeo.tar"), PathFor("extracted"));
        var read = await extracted.GetImageAsync("v1");

        Assert.Multiple(async () =>
        {
            Assert.That(read.Digest, Is.EqualTo(image.Digest));
            Assert.That(await ImageValidator.ValidateAsync(read, verifyLayers: true), Is.Empty);
        });
    }

    /// <summary>umoci needs --rootless for unpack and insert when it is not root.</summary>
    private static string[] RootlessFlag(string command) =>
        Environment.UserName == "root" ? [command] : [command, "--rootless"];
}
