using System.Text.Json;
using Containers.Cli;

namespace Containers.Cli.Tests;

public sealed class CliTests
{
    private string _work = null!;

    [SetUp]
    public void SetUp() => _work = Directory.CreateTempSubdirectory("cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_work, recursive: true);

    [TestCase("nginx", "docker.io/library/nginx:latest")]
    [TestCase("user/app", "docker.io/user/app:latest")]
    [TestCase("localhost:5000/a/b:1", "localhost:5000/a/b:1")]
    public async Task Ref_PrintsTheNormalizedForm(string reference, string expected)
    {
        var (code, stdout, stderr) = await RunAsync("ref", reference);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout.Trim(), Is.EqualTo(expected));
        });
    }

    [Test]
    public async Task Ref_Familiar_PrintsTheShortForm()
    {
        var (_, stdout, _) = await RunAsync("ref", "--familiar", "docker.io/library/nginx:1.25");

        Assert.That(stdout.Trim(), Is.EqualTo("nginx:1.25"));
    }

    [Test]
    public async Task Ref_Invalid_IsOneLineOnStderrWithNonZeroExit()
    {
        var (code, stdout, stderr) = await RunAsync("ref", "Nginx");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Not.Zero);
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(stderr, Does.Contain("'N' at position 0").And.Not.Contain("   at "));
        });
    }

    [Test]
    public async Task ImportThenInspect_PrintsTheManifestAndConfigOfTheCreatedImage()
    {
        var rootfs = Directory.CreateDirectory(Path.Combine(_work, "rootfs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rootfs, "hello.txt"), "hi");
        var layout = Path.Combine(_work, "layout");

        var (importCode, digest, importError) = await RunAsync("image", "import", rootfs, $"{layout}:v1", "--cmd", "/hello");
        var (inspectCode, json, inspectError) = await RunAsync("image", "inspect", $"{layout}:v1");
        var (validateCode, validation, validateError) = await RunAsync("image", "validate", $"{layout}:v1");

        Assert.Multiple(() =>
        {
            Assert.That(importCode, Is.Zero, importError);
            Assert.That(inspectCode, Is.Zero, inspectError);
            Assert.That(validateCode, Is.Zero, validateError);
            Assert.That(validation, Does.Contain("valid"));
        });
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("digest").GetString(), Is.EqualTo(digest.Trim()));
            Assert.That(root.GetProperty("manifest").GetProperty("layers").GetArrayLength(), Is.EqualTo(1));
            Assert.That(root.GetProperty("config").GetProperty("config").GetProperty("Cmd")[0].GetString(), Is.EqualTo("/hello"));
            Assert.That(json, Does.Contain("application/vnd.oci.image.manifest.v1+json"));
        });
    }

    [Test]
    public async Task Inspect_MissingTag_SaysWhichTagsExist()
    {
        var rootfs = Directory.CreateDirectory(Path.Combine(_work, "rootfs")).FullName;
        var layout = Path.Combine(_work, "layout");
        await RunAsync("image", "import", rootfs, $"{layout}:v1");

        var (code, _, stderr) = await RunAsync("image", "inspect", $"{layout}:v2");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stderr, Does.Contain("no image tagged \"v2\"").And.Contain("v1"));
        });
    }

    [Test]
    public async Task Inspect_NotALayout_FailsWithOneClearLine()
    {
        var (code, _, stderr) = await RunAsync("image", "inspect", $"{_work}:latest");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stderr, Does.Contain("is not an OCI image layout"));
            Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public async Task UnknownCommand_FailsWithNonZeroExit()
    {
        var (code, _, stderr) = await RunAsync("frobnicate");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Not.Zero);
            Assert.That(stderr, Does.Contain("frobnicate"));
        });
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ContainersCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
