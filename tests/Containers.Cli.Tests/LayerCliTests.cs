using Containers.Cli;

namespace Containers.Cli.Tests;

public sealed class LayerCliTests
{
    private string _work = null!;

    [SetUp]
    public void SetUp() => _work = Directory.CreateTempSubdirectory("cli-layer-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_work, recursive: true);

    private string Tree(string name, params (string Path, string Content)[] files)
    {
        var root = Path.Combine(_work, name);
        Directory.CreateDirectory(root);
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            File.WriteAllText(Path.Combine(root, path), content);
        }

        return root;
    }

    [Test]
    public async Task CreateThenApply_RecreatesTheTree_AndPrintsDigestAndDiffId()
    {
        var source = Tree("source", ("etc/hostname", "box"), ("bin/tool", "#!/bin/sh"));
        var layer = Path.Combine(_work, "layer.tar.zst");

        var (code, stdout, stderr) = await RunAsync("layer", "create", source, "-o", layer, "--compression", "zstd", "--reproducible");

        Assert.That(code, Is.Zero, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.That(lines["digest"], Is.EqualTo(Images.Digest.Compute(File.ReadAllBytes(layer)).ToString()));
        Assert.That(lines["diff_id"], Does.StartWith("sha256:").And.Not.EqualTo(lines["digest"]));
        Assert.That(lines["media_type"], Is.EqualTo("application/vnd.oci.image.layer.v1.tar+zstd"));

        var target = Path.Combine(_work, "target");
        (code, stdout, stderr) = await RunAsync("layer", "apply", layer, target);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain(lines["diff_id"]));
        Assert.That(File.ReadAllText(Path.Combine(target, "etc/hostname")), Is.EqualTo("box"));
        Assert.That(File.ReadAllText(Path.Combine(target, "bin/tool")), Is.EqualTo("#!/bin/sh"));
    }

    [Test]
    public async Task Apply_LayerThatEscapes_FailsWithOneLineNamingTheEntry()
    {
        var tar = Path.Combine(_work, "evil.tar");
        var source = Tree("evil-src", ("x", "payload"));
        Assert.That(System.Diagnostics.Process.Start("/usr/bin/tar", ["-C", source, "--transform", "s,^x,../../escaped,", "-P", "-cf", tar, "x"])!.WaitForExit(30_000), Is.True);

        var (code, _, stderr) = await RunAsync("layer", "apply", tar, Path.Combine(_work, "target"));

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("\"../../escaped\"").And.Contain("escapes the root"));
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(_work)!, "escaped")), Is.False);
    }

    [Test]
    public async Task Apply_WithOnlyADirectory_SaysWhatIsMissing()
    {
        var (code, _, stderr) = await RunAsync("layer", "apply", Path.Combine(_work, "target"));

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("at least one layer file"));
    }

    [Test]
    public async Task Create_OutputExists_FailsWithoutTouchingIt()
    {
        var source = Tree("source", ("a", "1"));
        var existing = Path.Combine(_work, "exists.tar");
        File.WriteAllText(existing, "keep me");

        var (code, _, stderr) = await RunAsync("layer", "create", source, "-o", existing);

        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(File.ReadAllText(existing), Is.EqualTo("keep me"));
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ContainersCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
