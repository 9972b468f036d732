using System.Diagnostics;
using System.Text.Json;
using Containers.Cli;
using Containers.Images.Layers.Tar;
using Containers.Images.Layout;

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

    [TestCase("-czf", "rootfs.tar.gz")]
    [TestCase("-cjf", "rootfs.tar.bz2")]
    [TestCase("--zstd -cf", "rootfs.tar.zst")]
    [TestCase("-cf", "rootfs.tar")]
    public async Task Import_TarArchive_MakesItsEntriesTheOneLayer(string flags, string fileName)
    {
        RequireTool("/usr/bin/tar");
        var rootfs = Directory.CreateDirectory(Path.Combine(_work, "rootfs")).FullName;
        Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        await File.WriteAllTextAsync(Path.Combine(rootfs, "etc", "hostname"), "box\n");
        var big = Enumerable.Range(0, 100_000).Select(i => (byte)(i % 253)).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(rootfs, "big.bin"), big);
        var archive = Path.Combine(_work, fileName);
        await RunToolAsync("/usr/bin/tar", ["-C", rootfs, .. flags.Split(' '), archive, "."]);
        var layout = Path.Combine(_work, "layout");

        var (code, digest, stderr) = await RunAsync("image", "import", archive, $"{layout}:v1");
        var (validateCode, _, validateError) = await RunAsync("image", "validate", $"{layout}:v1");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, stderr);
            Assert.That(validateCode, Is.Zero, validateError);
        });
        var image = await (await OciLayout.OpenAsync(layout)).GetImageAsync("v1");
        Assert.That(image.Digest.ToString(), Is.EqualTo(digest.Trim()));
        Assert.That(image.Layers, Has.Count.EqualTo(1));
        var files = new Dictionary<string, byte[]>();
        await using (var reader = new TarReader(await image.Layers[0].OpenUncompressedAsync()))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                using var data = new MemoryStream();
                await reader.CopyDataToAsync(data);
                files.Add(entry.Name, data.ToArray());
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(files.Keys, Is.EquivalentTo(new[] { "big.bin", "etc/", "etc/hostname" }));
            Assert.That(files["big.bin"], Is.EqualTo(big));
            Assert.That(files["etc/hostname"], Is.EqualTo("box\n"u8.ToArray()));
        });
    }

    [Test]
    public async Task Import_XzArchive_FailsSayingToDecompressItFirst()
    {
        var archive = Path.Combine(_work, "rootfs.tar.xz");
        await File.WriteAllBytesAsync(archive, Convert.FromHexString("fd377a585a000004e6d6b446"));

        var (code, stdout, stderr) = await RunAsync("image", "import", archive, $"{Path.Combine(_work, "layout")}:v1");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr.Trim(), Is.EqualTo($"containers: invalid argument: archive \"{archive}\" is xz-compressed, which is not supported; decompress it first (xz -d)"));
        });
    }

    [Test]
    public async Task Import_MissingSource_SaysWhatToGive()
    {
        var missing = Path.Combine(_work, "nothing-here");

        var (code, _, stderr) = await RunAsync("image", "import", missing, $"{Path.Combine(_work, "layout")}:v1");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stderr, Does.Contain($"\"{missing}\" does not exist; give a directory or a tar archive to import"));
            Assert.That(Directory.Exists(Path.Combine(_work, "layout")), Is.False, "nothing is created for a source that is not there");
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

    private static void RequireTool(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Ignore($"needs {path}: install it to run this test");
        }
    }

    private static async Task RunToolAsync(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"{fileName} {string.Join(' ', arguments)} failed: {stderr}");
    }

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
