using Containers.Mounts;
using Containers.Runtime.Builtin;
using Containers.Testing;

namespace Containers.Cli.Tests.Commands;

/// <summary>
/// The docker-shaped commands on a fresh <c>--root</c> for each test, with the busybox image
/// imported into its store (<c>containers import</c>) as <see cref="Image"/>. After each test every container is removed with <c>rm -f</c>, and the
/// test fails if a mount under the root or a runtime container is left after that.
/// </summary>
[NonParallelizable]
public abstract class ContainerCliTest
{
    /// <summary>The name of the busybox image in each test's store.</summary>
    protected const string Image = "busybox:test";

    /// <summary>The runtime's default cgroup parent, made under this process's own cgroup.</summary>
    private const string CgroupParent = "dotnet-containers";

    private BusyboxImage _busybox = null!;

    /// <summary>The busybox image's rootfs tarball.</summary>
    protected string BusyboxTarball => _busybox.LayerPath;

    /// <summary>The test's <c>--root</c>.</summary>
    protected string Root { get; private set; } = null!;

    /// <summary>A scratch directory of the test's own, beside the root.</summary>
    protected string Work { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task BuildBusyboxImage() => _busybox = await BusyboxImage.BuildOrIgnoreAsync();

    [OneTimeTearDown]
    public async Task RemoveImageAndCgroupParent()
    {
        _busybox?.Dispose();
        await BusyboxImage.DeleteCgroupParentAsync(CgroupParent);
    }

    [SetUp]
    public async Task CreateRoot()
    {
        Work = Directory.CreateTempSubdirectory("cli-").FullName;
        Root = Path.Combine(Work, "r");
        var (code, _, stderr) = await CliAsync("import", _busybox.LayerPath, Image, "--change", "CMD [\"sh\", \"-c\", \"echo hello\"]");
        Assert.That(code, Is.Zero, $"import of the busybox image: {stderr}");
    }

    [TearDown]
    public async Task RemoveEverything()
    {
        if (Work is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (_, ids, _) = await CliAsync("ps", "-a", "-q", "--no-trunc");
        var left = ids.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var removal = "nothing to remove";
        if (left.Length > 0)
        {
            var (code, _, stderr) = await CliAsync(["rm", "-f", .. left]).WaitAsync(timeout.Token);
            removal = $"rm -f exited {code}: {stderr}";
        }

        string[] runtimeLeft;
        await using (var runtime = new BuiltinRuntime(new Runtime.BuiltinRuntimeOptions { StateRoot = Path.Combine(Root, "run") }))
        {
            runtimeLeft = [.. (await runtime.ListAsync(timeout.Token)).Select(state => state.Id)];
            foreach (var id in runtimeLeft)
            {
                await runtime.DeleteAsync(id, force: true, timeout.Token);
            }
        }

        var mountsLeft = MountInfo.ReadSelf().Where(m => m.MountPoint.StartsWith(Work + "/", StringComparison.Ordinal)).Select(m => m.MountPoint).ToArray();
        foreach (var mount in mountsLeft.Reverse())
        {
            Images.Snapshots.SnapshotMounter.UnmountAll(mount);
        }

        Directory.Delete(Work, recursive: true);
        Assert.Multiple(() =>
        {
            Assert.That(mountsLeft, Is.Empty, "a mount under the root outlived its container; " + removal);
            Assert.That(runtimeLeft, Is.Empty, "a runtime container outlived its engine container");
        });
    }

    /// <summary>
    /// The global options of every command of the test: its root, and no default bridge (tests
    /// must not make or share the machine's <c>ctr0</c>; those that need a network make their own).
    /// </summary>
    protected string[] Globals => ["--root", Root, "--bridge", "none"];

    /// <summary>Runs <c>containers --root &lt;Root&gt; --bridge none args…</c> in this process.</summary>
    protected Task<(int Code, string Stdout, string Stderr)> CliAsync(params string[] args) => CliRunner.RunAsync([.. Globals, .. args]);

    /// <summary>Runs a command that must succeed, and returns its trimmed stdout.</summary>
    protected async Task<string> CliOkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await CliAsync(args);
        Assert.That(code, Is.Zero, $"containers {string.Join(' ', args)}: {stderr}");
        return stdout.Trim();
    }
}
