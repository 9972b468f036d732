using Containers.Errors;
using Containers.Images.Testing;
using Containers.Mounts;
using Containers.Runtime;

namespace Containers.Images.Tests.Testing;

/// <summary>The throwaway container's life: start with a wait, limits and settings, stop, dispose.</summary>
public sealed class ThrowawayContainerTests : ThrowawayContainerTest
{
    [Test]
    public async Task StartAsync_WithALogWait_ReturnsOnceTheMessageIsLoggedAndTheContainerRuns()
    {
        await using var container = Builder()
            .WithCommand("sh", "-c", "echo booting; sleep 1; echo ready; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage("ready"))
            .Build();

        await StartAsync(container);

        var (stdout, _) = await container.GetLogsAsync();
        var info = await Engine.InspectAsync(container.Id);
        Assert.Multiple(() =>
        {
            Assert.That(stdout, Does.Contain("ready\n"), "StartAsync returned before the message was logged");
            Assert.That(container.State, Is.EqualTo(ThrowawayContainerState.Running));
            Assert.That(info.Status, Is.EqualTo(ContainerStatus.Running));
            Assert.That(container.ExitCode, Is.Null);
        });
    }

    [Test]
    public async Task StartAsync_WithSettings_RunsTheCommandWithThemAndLabelsTheContainer()
    {
        await using var container = Builder()
            .WithName("settings")
            .WithEntrypoint("sh", "-c")
            .WithCommand("echo \"$GREETING $TARGET\"; pwd; id -u; echo done; exec sleep 60")
            .WithEnvironment("GREETING", "hello")
            .WithEnvironment(new Dictionary<string, string> { ["TARGET"] = "world" })
            .WithWorkingDirectory("/work/here")
            .WithUser("nobody")
            .WithLabel("suite", "throwaway")
            .WithWaitStrategy(Wait.ForLogMessage("done"))
            .Build();

        await StartAsync(container);

        var (stdout, stderr) = await container.GetLogsAsync();
        var info = await Engine.InspectAsync("settings");
        Assert.Multiple(() =>
        {
            Assert.That(stdout, Is.EqualTo("hello world\n/work/here\n65534\ndone\n"), stderr);
            Assert.That(container.Name, Is.EqualTo("settings"));
            Assert.That(info.Id, Is.EqualTo(container.Id));
            Assert.That(info.Labels, Is.EqualTo(new Dictionary<string, string> { ["suite"] = "throwaway" }));
        });
    }

    [Test]
    public async Task WithResourceLimits_ReachTheContainersCgroupAndSpec()
    {
        await using var container = Builder()
            .WithCommand("sleep", "60")
            .WithResourceLimits(memoryBytes: 64L << 20, cpus: 0.5)
            .WithResourceLimits(pidsLimit: 32)
            .Build();

        await StartAsync(container);

        var stats = await Runtime.GetStatsAsync(container.Id);
        var spec = Containers.Runtime.Spec.OciSpecs.Load(Path.Combine(Root, "containers", container.Id));
        Assert.Multiple(() =>
        {
            Assert.That(stats.Memory.Limit, Is.EqualTo(64UL << 20), "memory limit in the cgroup");
            Assert.That(stats.Pids.Limit, Is.EqualTo(32UL), "pids limit in the cgroup");
            Assert.That(spec.Linux!.Resources!.Cpu!.Quota, Is.EqualTo(50_000));
            Assert.That(spec.Linux.Resources.Cpu.Period, Is.EqualTo(100_000));
            Assert.That(spec.Linux.Resources.Memory!.Limit, Is.EqualTo(64L << 20), "a later WithResourceLimits keeps the limits it does not name");
        });
    }

    [Test]
    public async Task DisposeAsync_RemovesTheContainerAndEverythingItHad()
    {
        var container = Builder().WithCommand("sleep", "60").Build();
        await StartAsync(container);
        var id = container.Id;
        var pid = (await Engine.InspectAsync(id)).Pid;

        await container.DisposeAsync();
        await container.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(container.State, Is.EqualTo(ThrowawayContainerState.Removed));
            Assert.That(await Engine.ListAsync(), Is.Empty, "engine containers");
            Assert.That((await Runtime.ListAsync()).Select(state => state.Id), Is.Empty, "runtime containers");
            Assert.That(MountInfo.ReadSelf().Where(m => m.MountPoint.StartsWith(Root + "/", StringComparison.Ordinal)).Select(m => m.MountPoint), Is.Empty, "mounts");
            Assert.That(Directory.Exists(Path.Combine(Root, "containers", id)), Is.False, "state directory");
            Assert.That(Directory.Exists($"/proc/{pid}"), Is.False, "the container's process");
        });
    }

    [Test]
    public async Task DisposeAsync_RemovesTheAnonymousVolumesOfTheImagesVolumes()
    {
        var image = Mutate.WithContainerConfig(Image, config => config with { Volumes = new Dictionary<string, EmptyObject> { ["/cache"] = new() } });
        var container = Builder().WithImage(image).WithCommand("sh", "-c", "echo kept > /cache/file; echo written; exec sleep 60").WithWaitStrategy(Wait.ForLogMessage("written")).Build();
        await StartAsync(container);
        var volumesWhileRunning = await Engine.ListVolumesAsync();

        await container.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(volumesWhileRunning.Count(volume => volume.Anonymous), Is.EqualTo(1), "the image's VOLUME became an anonymous volume");
            Assert.That(await Engine.ListVolumesAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task StopAsync_EndsTheProcessAndKeepsTheContainerUntilDisposed()
    {
        await using var container = Builder().WithCommand("sleep", "60").Build();
        await StartAsync(container);

        await container.StopAsync(TimeSpan.FromMilliseconds(100));

        var info = await Engine.InspectAsync(container.Id);
        Assert.Multiple(() =>
        {
            Assert.That(container.State, Is.EqualTo(ThrowawayContainerState.Exited));
            Assert.That(info.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(info.ExitCode, Is.EqualTo(137), "sleep as pid 1 ignores SIGTERM, so the grace ends in SIGKILL");
        });
    }

    [Test]
    public async Task StartAsync_Twice_IsRefused()
    {
        await using var container = Builder().WithCommand("sleep", "60").Build();
        await StartAsync(container);

        Assert.ThrowsAsync<FailedPreconditionException>(() => container.StartAsync());
    }

    [Test]
    public void Id_BeforeStart_SaysToStartFirst()
    {
        var container = Builder().Build();

        var error = Assert.Throws<FailedPreconditionException>(() => _ = container.Id);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("StartAsync"));
            Assert.That(container.State, Is.EqualTo(ThrowawayContainerState.Unstarted));
        });
    }
}
