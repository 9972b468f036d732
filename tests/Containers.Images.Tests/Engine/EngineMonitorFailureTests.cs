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
            foreach (var container in await engine.ListAsync())
            {
                await engine.RemoveAsync(container.Id, force: true);
            }

            await engine.DisposeAsync();
        }
    }
}
