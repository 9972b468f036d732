using Containers.Images.Engine;

namespace Containers.Images.Tests.Engine;

/// <summary>A wait on the runtime that fails in a way nobody planned for still ends the run for the engine's waiters.</summary>
public sealed class EngineMonitorFailureTests : EngineTest
{
    [Test]
    public async Task AWaitThatFailsWithAnyError_IsRecordedAsKilled_AndTheEnginesWaitReturns()
    {
        var runtime = new RecordingRuntime(Runtime) { WaitFailure = new IOException("the state directory went away") };
        var root = Path.Combine(Root, "failing-wait");
        var engine = new ContainerEngine(new EngineOptions { Root = root, DefaultNetwork = "none" }, runtime);
        try
        {
            var info = await engine.RunAsync(Spec("sleep", "600"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

            var status = await engine.WaitAsync(info.Id, timeout.Token);

            Assert.That(status.Signal, Is.EqualTo(9), "recorded as killed, not left unrecorded");
            Assert.That((await engine.InspectAsync(info.Id)).ExitCode, Is.EqualTo(137));
        }
        finally
        {
            await RemoveAllAsync(engine);
        }
    }

    [Test]
    [TestCaseSource(nameof(StatsFailures))]
    public async Task AStatsReadThatFailsAfterTheExit_StillReleasesTheEnginesWait(Exception failure)
    {
        // The OOM check reads the cgroup's stats after the exit; a remove racing it once made the
        // read fail with ENODEV, which ended the monitor with the exit untold and WaitAsync hanging.
        var runtime = new RecordingRuntime(Runtime) { StatsFailure = failure };
        var engine = new ContainerEngine(new EngineOptions { Root = Path.Combine(Root, "failing-stats"), DefaultNetwork = "none" }, runtime);
        try
        {
            var info = await engine.RunAsync(Spec("sh", "-c", "exit 3"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

            var status = await engine.WaitAsync(info.Id, timeout.Token);

            Assert.That(status.ExitCode, Is.EqualTo(3), "the exit as the runtime saw it");
        }
        finally
        {
            await RemoveAllAsync(engine);
        }
    }

    private static IEnumerable<TestCaseData> StatsFailures()
    {
        yield return new TestCaseData(new IOException("pread cgroup stat file memory.usage_in_bytes: No such device (errno 19)")).SetArgDisplayNames("IOException");
        yield return new TestCaseData(new InvalidOperationException("nobody planned for this")).SetArgDisplayNames("InvalidOperationException");
    }

    private static async Task RemoveAllAsync(ContainerEngine engine)
    {
        foreach (var container in await engine.ListAsync())
        {
            await engine.RemoveAsync(container.Id, force: true);
        }

        await engine.DisposeAsync();
    }
}
