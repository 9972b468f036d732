using Containers.Runtime.Spec;

namespace Containers.Cli.Tests;

public sealed class RuntimeCliTests
{
    private string _work = null!;

    [SetUp]
    public void SetUp() => _work = Directory.CreateTempSubdirectory("cli-runtime-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_work, recursive: true);

    [Test]
    public async Task Spec_WithBundle_WritesTheDefaultConfigThere()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("runtime", "spec", "--bundle", _work);

        Assert.That(code, Is.Zero, stderr);
        var path = Path.Combine(_work, "config.json");
        Assert.That(stdout.Trim(), Is.EqualTo(path));
        var spec = OciSpecs.Load(_work);
        Assert.That(spec.Process!.Args, Is.EqualTo(new[] { "sh" }));
        Assert.That(spec.Hostname, Is.EqualTo("runc"));
        Assert.That(spec.Linux!.Namespaces, Has.Count.EqualTo(5));
        Assert.That(Directory.GetFiles(_work), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Spec_ConfigExists_RefusesLikeRuncAndKeepsTheFile()
    {
        var path = Path.Combine(_work, "config.json");
        await File.WriteAllTextAsync(path, "{\"mine\": true}");

        var (code, _, stderr) = await CliRunner.RunAsync("runtime", "spec", "-b", _work);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr.TrimEnd(), Is.EqualTo($"containers: already exists: File {path} exists. Remove it first"));
        Assert.That(await File.ReadAllTextAsync(path), Is.EqualTo("{\"mine\": true}"));
    }

    [Test]
    public async Task Spec_BundleDirectoryMissing_SaysToCreateIt()
    {
        var missing = Path.Combine(_work, "nope");

        var (code, _, stderr) = await CliRunner.RunAsync("runtime", "spec", "--bundle", missing);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("not found").And.Contain(missing).And.Contain("create it first"));
        Assert.That(Directory.Exists(missing), Is.False);
    }

    [Test]
    public async Task Spec_WithoutBundle_WritesIntoTheCurrentDirectory()
    {
        var before = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(_work);
        try
        {
            var (code, _, stderr) = await CliRunner.RunAsync("runtime", "spec");

            Assert.That(code, Is.Zero, stderr);
        }
        finally
        {
            Directory.SetCurrentDirectory(before);
        }

        Assert.That(File.Exists(Path.Combine(_work, "config.json")), Is.True);
    }
}
