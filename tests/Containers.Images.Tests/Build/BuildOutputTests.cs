using System.Diagnostics;
using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Images.Build;
using Containers.Images.Layout;

namespace Containers.Images.Tests.Build;

/// <summary>Where a built image goes: the local store, an OCI layout named as BuildKit names it, an OCI archive.</summary>
public sealed class BuildOutputTests : BuildTest
{
    private const string Dockerfile = """
        FROM busybox
        MAINTAINER Jane Doe <jane@example.com>
        RUN echo layer > /layer.txt
        CMD ["cat", "/layer.txt"]
        """;

    [Test]
    public async Task Build_ToTheStoreALayoutAndAnArchive_NamesTheImageInEach()
    {
        var context = Context(("Dockerfile", Dockerfile));
        var layout = Path.Combine(Root, "out-layout");
        var archive = Path.Combine(Root, "out.tar");

        var result = await BuildAsync(context, configure: r => r with
        {
            Tags = ["example.com/app:v1"],
            Outputs = [BuildOutput.LocalStore, BuildOutput.Parse($"type=oci,dest={layout}"), BuildOutput.Parse($"type=oci-archive,dest={archive}")],
        });

        var stored = await Images.ResolveAsync("example.com/app:v1");
        var fromLayout = await (await OciLayout.OpenAsync(layout)).GetImageAsync("v1");
        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")))!;
        Assert.Multiple(async () =>
        {
            Assert.That(stored.Digest, Is.EqualTo(result.Image.Digest));
            Assert.That(fromLayout.Digest, Is.EqualTo(result.Image.Digest));
            Assert.That((string?)index["manifests"]![0]!["annotations"]!["org.opencontainers.image.ref.name"], Is.EqualTo("v1"));
            Assert.That((string?)index["manifests"]![0]!["annotations"]!["io.containerd.image.name"], Is.EqualTo("example.com/app:v1"));
            Assert.That(await ToolAsync("skopeo", "inspect", "--raw", $"oci:{layout}:v1"), Does.Contain(result.Image.Manifest.Config.Digest.ToString()));
            Assert.That(await ToolAsync("skopeo", "inspect", "--raw", $"oci-archive:{archive}:v1"), Does.Contain(result.Image.Manifest.Config.Digest.ToString()));
            Assert.That(await ToolAsync("umoci", "ls", "--layout", layout), Does.Contain("v1"));
            Assert.That((await RunImageAsync(stored)).Output, Is.EqualTo("layer\n"));
        });
    }

    [Test]
    public async Task Build_ImageConfig_CarriesCreatedAuthorDiffIdsAndHistory()
    {
        var context = Context(("Dockerfile", Dockerfile));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var config = (await BuildAsync(context)).Image.Config;

        Assert.Multiple(() =>
        {
            Assert.That(config.Created, Is.GreaterThan(before));
            Assert.That(config.Author, Is.EqualTo("Jane Doe <jane@example.com>"));
            Assert.That(config.RootFs.DiffIds, Has.Count.EqualTo(Image.Layers.Count + 1));
            Assert.That(config.History!.Select(h => h.CreatedBy).TakeLast(3), Is.EqualTo(new[]
            {
                "MAINTAINER Jane Doe <jane@example.com>",
                "RUN /bin/sh -c echo layer > /layer.txt # buildkit",
                "CMD [\"cat\" \"/layer.txt\"]",
            }));
            Assert.That(config.History!.TakeLast(3).Select(h => h.EmptyLayer), Is.EqualTo(new bool?[] { true, null, true }));
            Assert.That(config.History!.TakeLast(3).All(h => h.Comment == "buildkit.dockerfile.v0"), Is.True);
        });
    }

    [TestCase("type=oci,dest=/x", BuildOutputKind.OciLayout, "/x")]
    [TestCase("type=oci,dest=/x.tar,tar=true", BuildOutputKind.OciArchive, "/x.tar")]
    [TestCase("type=oci-archive,dest=/x.tar", BuildOutputKind.OciArchive, "/x.tar")]
    [TestCase("type=image", BuildOutputKind.Image, null)]
    [TestCase("/some/dir", BuildOutputKind.OciLayout, "/some/dir")]
    public void Parse_BuildKitSyntax_GivesTheOutput(string text, BuildOutputKind kind, string? destination) =>
        Assert.That(BuildOutput.Parse(text), Is.EqualTo(new BuildOutput(kind, destination)));

    [TestCase("type=oci")]
    [TestCase("type=registry,dest=x")]
    [TestCase("dest=/x")]
    public void Parse_WithoutTypeOrDestination_IsRefused(string text) =>
        Assert.Throws<InvalidArgumentException>(() => BuildOutput.Parse(text));

    private static async Task<string> ToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{tool} {string.Join(' ', args)}: {error}");
        return output;
    }
}
