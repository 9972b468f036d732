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

    [Test]
    public async Task Diff_TwoTrees_GivesTheLayerThatTurnsLowerIntoUpper()
    {
        var lower = Tree("lower", ("keep", "same"), ("change", "old"), ("gone", "x"));
        var upper = Tree("upper", ("keep", "same"), ("change", "new"), ("added/file", "y"));
        File.SetLastWriteTimeUtc(Path.Combine(upper, "keep"), File.GetLastWriteTimeUtc(Path.Combine(lower, "keep")));
        var layer = Path.Combine(_work, "diff.tar.gz");

        var (code, stdout, stderr) = await RunAsync("layer", "diff", lower, upper, "-o", layer);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("diff_id: sha256:"));

        (code, _, stderr) = await RunAsync("layer", "apply", layer, lower);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(Directory.EnumerateFileSystemEntries(lower, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(lower, p)).Order(), Is.EqualTo(new[] { "added", "added/file", "change", "keep" }));
        Assert.That(File.ReadAllText(Path.Combine(lower, "change")), Is.EqualTo("new"));
    }

    [Test]
    public async Task Diff_Overlay_ReadsOnlyTheUpperDirectory()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: mounts overlayfs");
        }

        var lower = Tree("lower", ("a", "1"), ("b", "2"));
        var upper = Tree("upper");
        var work = Tree("work");
        var merged = Tree("merged");
        Assert.That(System.Diagnostics.Process.Start("/usr/bin/mount", ["-t", "overlay", "overlay", "-o", $"lowerdir={lower},upperdir={upper},workdir={work}", merged])!.WaitForExit(30_000), Is.True);
        try
        {
            File.WriteAllText(Path.Combine(merged, "c"), "3");
            File.Delete(Path.Combine(merged, "a"));
        }
        finally
        {
            using var umount = System.Diagnostics.Process.Start("/usr/bin/umount", [merged])!;
            umount.WaitForExit(30_000);
        }

        var layer = Path.Combine(_work, "overlay.tar");
        var (code, stdout, stderr) = await RunAsync("layer", "diff", "--overlay", upper, "--lower", lower, "-o", layer, "--compression", "none");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("entries: 2"));
        var listing = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/tar", ["-tf", layer]) { RedirectStandardOutput = true })!;
        var names = (await listing.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(names, Is.EquivalentTo(new[] { ".wh.a", "c" }));
    }

    [Test]
    public async Task Diff_WithOneDirectory_SaysWhatItNeeds()
    {
        var (code, _, stderr) = await RunAsync("layer", "diff", _work, "-o", Path.Combine(_work, "x.tar"));

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("<lower> <upper>"));
        Assert.That(File.Exists(Path.Combine(_work, "x.tar")), Is.False);
    }

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
