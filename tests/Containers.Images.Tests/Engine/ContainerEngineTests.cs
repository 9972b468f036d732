using System.Diagnostics;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Snapshots;
using Containers.Mounts;
using Containers.Processes;
using Containers.Runtime;

namespace Containers.Images.Tests.Engine;

/// <summary>The engine end to end: a locally built busybox image run as containers through the built-in runtime.</summary>
public sealed class ContainerEngineTests : EngineTest
{
    [Test]
    public async Task Run_TheImagesCmd_WritesHelloToTheLogAndExitsZero()
    {
        var (status, log, info) = await RunToEndAsync(new ContainerRunSpec(Image) { Name = "hello" });

        var entries = new List<LogEntry>();
        await foreach (var entry in Engine.LogsAsync("hello"))
        {
            entries.Add(entry);
        }

        var inspected = await Engine.InspectAsync(info.Id);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(ExitStatus.Exited(0)));
            Assert.That(log, Is.EqualTo("hello\n"));
            Assert.That(entries.Single().Source, Is.EqualTo(LogSource.Stdout));
            Assert.That(entries.Single().Timestamp, Is.GreaterThan(info.Created.AddSeconds(-1)));
            Assert.That(info.Id, Does.Match("^[0-9a-f]{64}$"));
            Assert.That(inspected.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(inspected.ExitCode, Is.EqualTo(0));
            Assert.That(inspected.Image, Is.EqualTo(Image.Digest));
            Assert.That(inspected.Started, Is.Not.Null);
            Assert.That(inspected.Finished, Is.GreaterThanOrEqualTo(inspected.Started!.Value));
        });
    }

    [Test]
    public async Task Run_StderrAndExitCode_AreKeptApart()
    {
        var (status, _, info) = await RunToEndAsync(Spec("sh", "-c", "echo out; echo err >&2; exit 3"));

        var entries = new List<LogEntry>();
        await foreach (var entry in Engine.LogsAsync(info.Id))
        {
            entries.Add(entry);
        }

        Assert.Multiple(() =>
        {
            Assert.That(status.ExitCode, Is.EqualTo(3));
            Assert.That(entries.Where(e => e.Source == LogSource.Stdout).Select(e => e.Text), Is.EqualTo(new[] { "out\n" }));
            Assert.That(entries.Where(e => e.Source == LogSource.Stderr).Select(e => e.Text), Is.EqualTo(new[] { "err\n" }));
        });
    }

    [Test]
    public async Task TwoContainers_FromOneImage_DoNotSeeEachOthersWrites()
    {
        var first = await RunToEndAsync(Spec("sh", "-c", "echo mine > /written; cat /written"));
        var second = await RunToEndAsync(Spec("sh", "-c", "test -e /written && echo seen || echo unseen"));

        Assert.Multiple(() =>
        {
            Assert.That(first.Log, Is.EqualTo("mine\n"));
            Assert.That(second.Log, Is.EqualTo("unseen\n"));
        });
    }

    [Test]
    public async Task Run_WithOverrides_FollowsDockersEntrypointAndCmdRules()
    {
        var image = Mutate.SetCmd(Mutate.SetEntrypoint(Image, "echo", "entry"), "image-cmd");

        var asBuilt = await RunToEndAsync(new ContainerRunSpec(image));
        var cmdOverride = await RunToEndAsync(new ContainerRunSpec(image) { Cmd = ["run-cmd"] });
        var entrypointOverride = await RunToEndAsync(new ContainerRunSpec(image) { Entrypoint = ["sh", "-c", "echo \"[$0]\""] });

        Assert.Multiple(() =>
        {
            Assert.That(asBuilt.Log, Is.EqualTo("entry image-cmd\n"));
            Assert.That(cmdOverride.Log, Is.EqualTo("entry run-cmd\n"));
            Assert.That(entrypointOverride.Log, Is.EqualTo("[sh]\n"), "a new entrypoint drops the image's cmd");
        });
    }

    [Test]
    public async Task Run_WithEnvWorkdirAndHostname_SeesThem()
    {
        var image = Mutate.SetEnv(Image, "FROM_IMAGE=image", "SHARED=image");
        var result = await RunToEndAsync(new ContainerRunSpec(image)
        {
            Cmd = ["sh", "-c", "echo $FROM_IMAGE $SHARED $PATH; pwd; hostname"],
            Env = ["SHARED=run"],
            WorkingDir = "/srv/app",
            Hostname = "box",
        });

        Assert.That(result.Log, Is.EqualTo($"image run {ImageConfigMerge.DefaultPath}\n/srv/app\nbox\n"));
    }

    [Test]
    public async Task Run_AsAUserByName_RunsWithThatUsersUidAndGid()
    {
        var result = await RunToEndAsync(new ContainerRunSpec(Image) { User = "nobody", Cmd = ["sh", "-c", "id -u; id -g; echo $HOME"] });

        Assert.That(result.Log, Is.EqualTo("65534\n65534\n/nonexistent\n"));
    }

    [Test]
    public void Create_AsAnUnknownUser_IsAnInvalidArgumentAndLeavesNothing()
    {
        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateAsync(new ContainerRunSpec(Image) { User = "ghost" }));

        Assert.That(error!.Message, Does.Contain("unable to find user ghost"));
        Assert.That(Directory.GetDirectories(Path.Combine(Root, "containers")), Is.Empty);
    }

    [Test]
    public async Task Stop_AProcessThatTrapsTerm_LetsItExitCleanly()
    {
        var info = await Engine.RunAsync(Spec("sh", "-c", "trap 'echo terminated; exit 0' TERM; echo ready; while true; do sleep 0.1; done"));
        await WaitForLogAsync(info.Id, "ready\n");

        await Engine.StopAsync(info.Id, TimeSpan.FromSeconds(20));

        var status = await Engine.WaitAsync(info.Id);
        Assert.Multiple(async () =>
        {
            Assert.That(status, Is.EqualTo(ExitStatus.Exited(0)));
            Assert.That(await LogTextAsync(info.Id), Is.EqualTo("ready\nterminated\n"));
        });
    }

    [Test]
    public async Task Stop_AProcessThatIgnoresTerm_KillsItAfterTheGracePeriod()
    {
        var info = await Engine.RunAsync(Spec("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done"));
        await WaitForLogAsync(info.Id, "ready\n");

        var clock = Stopwatch.StartNew();
        await Engine.StopAsync(info.Id, TimeSpan.FromMilliseconds(700));
        clock.Stop();

        var inspected = await Engine.InspectAsync(info.Id);
        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(650)), "it waited the grace period");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
            Assert.That(inspected.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(inspected.ExitCode, Is.EqualTo(137), "SIGKILLed");
        });
    }

    [Test]
    public async Task Logs_WithFollow_DeliverLinesAsTheyComeAndEndWithTheContainer()
    {
        var info = await Engine.CreateAsync(Spec("sh", "-c", "echo one; sleep 1; echo two"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<(string Text, bool Exited)>();
        var follow = Task.Run(async () =>
        {
            await foreach (var entry in Engine.LogsAsync(info.Id, follow: true, timeout.Token))
            {
                seen.Add((entry.Text, (await Engine.InspectAsync(info.Id)).Status == ContainerStatus.Stopped));
            }
        });

        await Engine.StartAsync(info.Id);
        await follow;

        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(s => s.Text), Is.EqualTo(new[] { "one\n", "two\n" }));
            Assert.That(seen[0].Exited, Is.False, "the first line arrived while the container still ran");
            Assert.That(timeout.IsCancellationRequested, Is.False, "following ended with the container's output");
        });
    }

    [Test]
    public async Task Remove_ARunningContainerWithoutForce_IsAConflictAndWithForceLeavesNothing()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { Name = "sleeper", Cmd = ["sleep", "60"] });
        var dir = Path.Combine(Root, "containers", info.Id);
        var rootfs = Path.Combine(dir, "rootfs");
        Assert.That(MountInfo.ReadSelf().Any(m => m.MountPoint == rootfs), Is.True, "the rootfs is mounted while the container exists");

        Assert.ThrowsAsync<ConflictException>(() => Engine.RemoveAsync("sleeper"));
        await Engine.RemoveAsync("sleeper", force: true);

        var snapshots = new List<string>();
        await foreach (var snapshot in SnapshotterOf().WalkAsync())
        {
            snapshots.Add(snapshot.Name);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(MountInfo.ReadSelf().Any(m => m.MountPoint.StartsWith(dir, StringComparison.Ordinal)), Is.False, "no mount is left");
            Assert.That(snapshots, Has.None.Contains(info.Id), "the container's snapshot is removed");
            Assert.That(snapshots, Is.Not.Empty, "the image's snapshots stay for the next container");
            Assert.That(Directory.Exists(dir), Is.False, "the state directory is removed");
            Assert.That(await Engine.ListAsync(), Is.Empty);
            Assert.That(await Runtime.ListAsync(), Is.Empty);
            Assert.ThrowsAsync<NotFoundException>(() => Engine.InspectAsync(info.Id));
        });
    }

    [Test]
    public async Task Create_WithANameInUse_IsAlreadyExists()
    {
        await Engine.CreateAsync(new ContainerRunSpec(Image) { Name = "taken" });

        Assert.ThrowsAsync<AlreadyExistsException>(() => Engine.CreateAsync(new ContainerRunSpec(Image) { Name = "taken" }));
        Assert.That((await Engine.ListAsync()).Select(c => (c.Name, c.Status)), Is.EqualTo(new[] { ("taken", ContainerStatus.Created) }));
    }

    [Test]
    public async Task Run_WithAutoRemove_RemovesTheContainerOnceItExits()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { AutoRemove = true });

        // It may be gone before the wait, as with docker wait on a --rm container.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((Directory.Exists(Path.Combine(Root, "containers", info.Id)) || (await Engine.ListAsync()).Count > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.That(Directory.Exists(Path.Combine(Root, "containers", info.Id)), Is.False);
        Assert.ThrowsAsync<NotFoundException>(() => Engine.InspectAsync(info.Id));
    }

    [Test]
    public async Task Create_WithLimits_WritesThemIntoTheSpecAndAReadOnlyRoot()
    {
        var info = await Engine.CreateAsync(new ContainerRunSpec(Image) { MemoryBytes = 64L << 20, Cpus = 1.5, PidsLimit = 32, ReadOnlyRootfs = true });

        var spec = Containers.Runtime.Spec.OciSpecs.Load(Path.Combine(Root, "containers", info.Id));
        Assert.Multiple(() =>
        {
            Assert.That(spec.Linux!.Resources!.Memory!.Limit, Is.EqualTo(64L << 20));
            Assert.That(spec.Linux.Resources.Cpu!.Quota, Is.EqualTo(150_000));
            Assert.That(spec.Linux.Resources.Cpu.Period, Is.EqualTo(100_000));
            Assert.That(spec.Linux.Resources.Pids!.Limit, Is.EqualTo(32));
            Assert.That(spec.Root!.Readonly, Is.True);
            Assert.That(spec.Hostname, Is.EqualTo(info.Id[..12]));
        });
    }

    [Test]
    public async Task Create_WithLabels_KeepsThemInTheRecordForANewEngine()
    {
        var info = await Engine.CreateAsync(new ContainerRunSpec(Image) { Labels = new Dictionary<string, string> { ["suite"] = "engine", ["empty"] = "" } });

        await ReopenEngineAsync();

        var reopened = await Engine.InspectAsync(info.Id);
        Assert.Multiple(() =>
        {
            Assert.That(info.Labels, Is.EqualTo(new Dictionary<string, string> { ["suite"] = "engine", ["empty"] = "" }));
            Assert.That(reopened.Labels, Is.EqualTo(info.Labels));
        });
    }

    [Test]
    public async Task Run_WithAReadOnlyRootfs_CannotWriteToIt()
    {
        var result = await RunToEndAsync(new ContainerRunSpec(Image) { ReadOnlyRootfs = true, Cmd = ["sh", "-c", "touch /file 2>/dev/null && echo wrote || echo refused"] });

        Assert.That(result.Log, Is.EqualTo("refused\n"));
    }

    [Test]
    public async Task Run_PastItsMemoryLimit_IsOomKilledAndSaysSo()
    {
        // A shell variable of 64 MB in a 16 MB container: the OOM killer ends it.
        var oom = await RunToEndAsync(new ContainerRunSpec(Image) { MemoryBytes = 16 << 20, Cmd = ["sh", "-c", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo survived"] });
        var fine = await RunToEndAsync(new ContainerRunSpec(Image) { MemoryBytes = 16 << 20, Cmd = ["true"] });

        Assert.Multiple(async () =>
        {
            Assert.That(oom.Status.ExitCode, Is.Not.Zero);
            Assert.That((await Engine.InspectAsync(oom.Info.Id)).OomKilled, Is.True);
            Assert.That((await Engine.InspectAsync(fine.Info.Id)).OomKilled, Is.False);
        });
    }

    [Test]
    public async Task ANewEngineOnTheSameRoot_ListsTheContainersAndFollowsTheRunningOnesToTheirEnd()
    {
        var hello = await RunToEndAsync(new ContainerRunSpec(Image) { Name = "hello" });
        var sleeper = await Engine.RunAsync(new ContainerRunSpec(Image) { Name = "sleeper", Cmd = ["sleep", "60"] });

        await ReopenEngineAsync();

        var listed = (await Engine.ListAsync()).ToDictionary(c => c.Name);
        await Engine.StopAsync("sleeper", TimeSpan.FromMilliseconds(300));
        var stopped = await Engine.InspectAsync(sleeper.Id);
        Assert.Multiple(async () =>
        {
            Assert.That(listed.Keys, Is.EquivalentTo(new[] { "hello", "sleeper" }));
            Assert.That(listed["hello"].Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(listed["hello"].ExitCode, Is.EqualTo(0));
            Assert.That(listed["sleeper"].Status, Is.EqualTo(ContainerStatus.Running));
            Assert.That(await LogTextAsync(hello.Info.Id), Is.EqualTo("hello\n"));
            Assert.That(stopped.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(stopped.ExitCode, Is.EqualTo(137), "sleep as pid 1 has no TERM handler, so the kernel drops TERM and the grace ends in SIGKILL");
        });
    }

    [Test]
    public async Task Run_HasANetworkNamespaceOfItsOwnWithOnlyLoopbackUp()
    {
        var result = await RunToEndAsync(Spec("sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/flags"));

        Assert.That(result.Log, Is.EqualTo("lo\n0x9\n"), "only lo, with IFF_UP | IFF_LOOPBACK");
    }

    [Test]
    public async Task Create_ConcurrentlyWithOneName_LetsExactlyOneHaveIt()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                await Engine.CreateAsync(new ContainerRunSpec(Image) { Name = "contended" });
                return "created";
            }
            catch (AlreadyExistsException)
            {
                return "refused";
            }
        }));

        Assert.That(attempts.Order(), Is.EqualTo(new[] { "created", "refused", "refused", "refused" }));
        Assert.That((await Engine.ListAsync()).Select(c => c.Name), Is.EqualTo(new[] { "contended" }));
    }

    private ISnapshotter SnapshotterOf() =>
        SnapshotterSelector.Select(new SnapshotterOptions { Root = Path.Combine(Root, "snapshots") });
}
