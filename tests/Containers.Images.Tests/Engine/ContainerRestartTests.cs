using Containers.Errors;
using Containers.Images.Engine;
using Containers.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Images.Tests.Engine;

/// <summary>Starting a stopped container again, <c>docker restart</c>, and restart policies with their back-off.</summary>
public sealed class ContainerRestartTests : EngineTest
{
    [Test]
    public async Task Start_AnExitedContainer_RunsItAgainOnItsWritableLayer_AndAppendsToItsLog()
    {
        var first = await RunToEndAsync(Spec("sh", "-c", "echo run >> /runs; cat /runs"));

        await Engine.StartAsync(first.Info.Id);
        var second = await Engine.WaitAsync(first.Info.Id);
        var info = await Engine.InspectAsync(first.Info.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(first.Log, Is.EqualTo("run\n"));
            Assert.That(second.ExitCode, Is.Zero);
            Assert.That(await LogTextAsync(first.Info.Id, follow: true), Is.EqualTo("run\nrun\nrun\n"), "the second run saw the first one's write, and its output went after the first's");
            Assert.That(info.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(info.RestartCount, Is.Zero, "a start by hand is no restart by policy");
        });
    }

    [Test]
    public async Task Restart_ARunningAutoRemoveContainer_StopsAndStartsItWithoutRemovingIt()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { AutoRemove = true, Cmd = ["sh", "-c", "echo started; exec sleep 60"] });
        var firstPid = (await InspectUntilAsync(info.Id, i => i.Status == ContainerStatus.Running, "ran")).Pid;

        await Engine.RestartAsync(info.Id, TimeSpan.FromSeconds(1));

        var restarted = await Engine.InspectAsync(info.Id);
        Assert.Multiple(() =>
        {
            Assert.That(restarted.Status, Is.EqualTo(ContainerStatus.Running));
            Assert.That(restarted.Pid, Is.Not.EqualTo(firstPid).And.Not.Zero);
            Assert.That(restarted.RestartCount, Is.Zero);
        });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await LogTextAsync(info.Id) != "started\nstarted\n")
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the second start never logged");
            await Task.Delay(20);
        }
    }

    [Test]
    public async Task OnFailure2_RestartsExactlyTwice_ThenStaysExited()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { Restart = RestartPolicy.Parse("on-failure:2"), Cmd = ["sh", "-c", "echo run; exit 1"] });

        // Stopped too: between the second restart's start and its exit, the record still carries the previous run's finish.
        // And its exit recorded: the runtime can say stopped a moment before the engine has written the exit code.
        var final = await InspectUntilAsync(info.Id, i => i.Status == ContainerStatus.Stopped && !i.Restarting && i.RestartCount == 2 && i.ExitCode is not null, "ended after two restarts");
        var log = await LogTextAsync(info.Id, follow: true);

        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(final.ExitCode, Is.EqualTo(1));
            Assert.That(final.Restart, Is.EqualTo(RestartPolicy.OnFailure(2)));
            Assert.That(log, Is.EqualTo("run\nrun\nrun\n"), "one run and two restarts");
        });
    }

    [Test]
    public async Task OnFailure_DoesNotRestartASuccess()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { Restart = RestartPolicy.OnFailure(), Cmd = ["true"] });

        var final = await InspectUntilAsync(info.Id, i => i.Finished is not null && !i.Restarting, "ended");

        Assert.That(final.RestartCount, Is.Zero);
    }

    [Test]
    public async Task Always_RestartsAfterACrash_ButNotAfterStop()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { Restart = RestartPolicy.Always, Cmd = ["sh", "-c", "echo run; sleep 0.05; exit 3"] });
        await InspectUntilAsync(info.Id, i => i.RestartCount >= 2, "restarted twice");

        await Engine.StopAsync(info.Id, TimeSpan.FromSeconds(5));
        var stopped = await Engine.InspectAsync(info.Id);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var later = await Engine.InspectAsync(info.Id);
        var runs = (await LogTextAsync(info.Id)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

        Assert.Multiple(() =>
        {
            Assert.That(stopped.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(stopped.Restarting, Is.False, "no restart is pending once stop returns");
            Assert.That(later.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(later.RestartCount, Is.EqualTo(stopped.RestartCount), "it was not restarted after the stop");
            // A restart is counted when it is decided, as Docker counts it; a stop in the back-off cancels that run.
            Assert.That(runs, Is.InRange(stopped.RestartCount, stopped.RestartCount + 1));
        });
    }

    [Test]
    public async Task WhileWaitingOutTheBackoff_ItIsRestarting_RemoveIsAConflict_AndKillLeavesItStopped()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await ReopenEngineAsync(time);
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { Restart = RestartPolicy.Always, Cmd = ["sh", "-c", "echo run; exit 3"] });

        var waiting = await InspectUntilAsync(info.Id, i => i.Restarting, "waited to restart");
        var removeWhileWaiting = Assert.CatchAsync(() => Engine.RemoveAsync(info.Id));
        await Engine.StartAsync(info.Id);
        var afterStart = await Engine.InspectAsync(info.Id);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var second = await InspectUntilAsync(info.Id, i => i.Restarting && i.RestartCount == 2, "restarted and waited again");

        await Engine.KillAsync(info.Id);
        var killed = await Engine.InspectAsync(info.Id);
        time.Advance(TimeSpan.FromMinutes(5));
        var later = await Engine.InspectAsync(info.Id);

        Assert.Multiple(async () =>
        {
            Assert.That((waiting.Status, waiting.RestartCount, waiting.ExitCode), Is.EqualTo((ContainerStatus.Stopped, 1, (int?)3)));
            Assert.That(removeWhileWaiting, Is.InstanceOf<ConflictException>());
            Assert.That(afterStart.Restarting, Is.True, "docker start leaves a restarting container to its policy");
            Assert.That(second.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That((killed.Restarting, killed.RestartCount), Is.EqualTo((false, 2)));
            Assert.That((later.Restarting, later.RestartCount, later.Status), Is.EqualTo((false, 2, ContainerStatus.Stopped)));
            Assert.That(await LogTextAsync(info.Id), Is.EqualTo("run\nrun\n"));
        });
    }

    [Test]
    public async Task RemoveWithForce_WhileWaitingToRestart_LeavesNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await ReopenEngineAsync(time);
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { Restart = RestartPolicy.UnlessStopped, Cmd = ["false"] });
        await InspectUntilAsync(info.Id, i => i.Restarting, "waited to restart");

        await Engine.RemoveAsync(info.Id, force: true);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Multiple(async () =>
        {
            Assert.ThrowsAsync<NotFoundException>(() => Engine.InspectAsync(info.Id));
            Assert.That(await Runtime.ListAsync(), Is.Empty);
            Assert.That(Directory.Exists(Path.Combine(Root, "containers", info.Id)), Is.False);
        });
    }

    [Test]
    public void Create_WithAutoRemoveAndARestartPolicy_IsRefusedAsDockerRefusesIt()
    {
        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateAsync(new ContainerRunSpec(Image) { AutoRemove = true, Restart = RestartPolicy.Always }));

        Assert.That(error!.Message, Does.Contain("auto-remove").And.Contain("always"));
    }
}
