using Containers.Testing;

namespace Containers.Cli.Tests.Commands;

/// <summary><c>push</c> and <c>pull</c> end to end, against the reference registry on 127.0.0.1.</summary>
public sealed class RegistryCommandTests : ContainerCliTest
{
    private RegistryServer _registry = null!;

    [OneTimeSetUp]
    public async Task StartRegistry() => _registry = await RegistryServer.StartOrIgnoreAsync();

    [OneTimeTearDown]
    public async Task StopRegistry()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    [Test]
    public async Task PushThenPullIntoAnotherRoot_ShowsTheDigestAndRuns()
    {
        var name = $"{_registry.Authority}/cli/box:v1";
        await CliOkAsync("tag", Image, name);

        var pushed = (await CliOkAsync("push", name)).Split('\n');
        var digest = pushed[^1].Split(' ')[2];
        var other = Path.Combine(Work, "other");
        var pulled = await CliRunner.RunAsync("--root", other, "--bridge", "none", "pull", name);
        var unpacked = await CommittedSnapshotsAsync(other);
        var again = await CliRunner.RunAsync("--root", other, "--bridge", "none", "pull", name);
        var digests = await CliRunner.RunAsync("--root", other, "--bridge", "none", "images", "--digests");
        var ran = await CliRunner.RunAsync("--root", other, "--bridge", "none", "run", "--rm", name, "echo", "pulled");

        var pulledLines = pulled.Stdout.TrimEnd().Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(pushed[0], Is.EqualTo($"The push refers to repository [{_registry.Authority}/cli/box]"));
            Assert.That(pushed, Does.Contain($"{pushed[1][..12]}: Pushed"));
            Assert.That(pushed[^1], Does.Match(@"^v1: digest: sha256:[0-9a-f]{64} size: \d+$"));
            Assert.That(pulled.Code, Is.Zero, pulled.Stderr);
            Assert.That(pulledLines[0], Is.EqualTo($"v1: Pulling from {_registry.Authority}/cli/box"));
            Assert.That(pulledLines, Has.Some.Match("^[0-9a-f]{12}: Pull complete$"));
            Assert.That(pulledLines, Does.Contain($"Digest: {digest}"));
            Assert.That(pulledLines, Does.Contain($"Status: Downloaded newer image for {name}"));
            Assert.That(pulledLines[^1], Is.EqualTo(name));
            Assert.That(unpacked, Is.EqualTo(1), "pull unpacks the image's one layer into a snapshot, as docker pull does");
            Assert.That(again.Stdout, Does.Contain("Already exists").And.Contain($"Status: Image is up to date for {name}"));
            Assert.That(digests.Stdout.Split('\n')[1], Does.Match($@"^{_registry.Authority}/cli/box +v1 +{digest} +[0-9a-f]{{12}} "));
            Assert.That(ran.Stdout, Is.EqualTo("pulled\n"), ran.Stderr);
        });
    }

    [Test]
    public async Task Pull_WithRepeatedInsecureRegistryAndPlatform_ParsesAndPullsByDigest()
    {
        var name = $"{_registry.Authority}/cli/digest:v1";
        await CliOkAsync("tag", Image, name);
        var digest = (await CliOkAsync("push", "--quiet", name)).Trim();
        var byDigest = $"{_registry.Authority}/cli/digest@{digest}";
        var other = Path.Combine(Work, "other");

        var pulled = await CliRunner.RunAsync("--root", other, "--bridge", "none", "pull", "--insecure-registry", "registry.invalid:5000", "--insecure-registry", _registry.Authority, "--platform", Platform(), "-q", byDigest);
        var images = await CliRunner.RunAsync("--root", other, "--bridge", "none", "images", "--digests");

        Assert.Multiple(() =>
        {
            Assert.That(digest, Does.Match("^sha256:[0-9a-f]{64}$"));
            Assert.That(pulled.Code, Is.Zero, pulled.Stderr);
            Assert.That(pulled.Stdout, Is.EqualTo($"{byDigest}\n"));
            Assert.That(images.Stdout.Split('\n')[1], Does.Match($@"^{_registry.Authority}/cli/digest +<none> +{digest} "));
        });
    }

    [Test]
    public async Task Pull_UnknownImage_FailsWithTheRegistrysError()
    {
        var (code, stdout, stderr) = await CliAsync("pull", $"{_registry.Authority}/cli/nothing:here");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stderr, Does.StartWith("containers: not found: pull manifest").And.Contain("MANIFEST_UNKNOWN"));
            Assert.That(stdout, Does.Not.Contain("Digest:"));
        });
    }

    [Test]
    public async Task Pull_ForAnotherPlatform_IsRefused()
    {
        var name = $"{_registry.Authority}/cli/platform:v1";
        await CliOkAsync("tag", Image, name);
        await CliOkAsync("push", name);

        var (code, _, stderr) = await CliRunner.RunAsync("--root", Path.Combine(Work, "other"), "--bridge", "none", "pull", "--platform", "linux/s390x", name);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stderr, Does.Contain("not the requested linux/s390x"));
        });
    }

    private static string Platform() => Containers.Images.Platform.Current.ToString();

    private static async Task<int> CommittedSnapshotsAsync(string root)
    {
        var snapshotter = Images.Snapshots.SnapshotterSelector.Select(new Images.Snapshots.SnapshotterOptions { Root = Path.Combine(root, "snapshots") });
        var committed = 0;
        await foreach (var info in snapshotter.WalkAsync())
        {
            committed += info.Kind == Images.Snapshots.SnapshotKind.Committed ? 1 : 0;
        }

        return committed;
    }
}
