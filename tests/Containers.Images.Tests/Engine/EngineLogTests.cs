using Containers.Images.Engine;
using Containers.Processes;
using Containers.Runtime;

namespace Containers.Images.Tests.Engine;

/// <summary>The log the container's shim writes, as the engine gives it back, from this process or a later one.</summary>
public sealed class EngineLogTests : EngineTest
{
    [Test]
    public async Task Logs_LongLinesControlCharactersAndInvalidUtf8_ComeBackAsDockerGivesThem()
    {
        var (status, _, info) = await RunToEndAsync(Spec("sh", "-c", "head -c 20000 /dev/zero | tr '\\0' x; echo; printf '\\001\\377ok\\n' >&2"));
        var entries = new List<LogEntry>();
        await foreach (var entry in Engine.LogsAsync(info.Id))
        {
            entries.Add(entry);
        }

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(ExitStatus.Exited(0)));
            Assert.That(entries.Select(e => (e.Source, e.Text.Length)), Is.EqualTo(new[] { (LogSource.Stdout, 16 * 1024), (LogSource.Stdout, 20000 - (16 * 1024) + 1), (LogSource.Stderr, 5) }));
            Assert.That(entries[^1].Text, Is.EqualTo("\u0001\uFFFDok\n"));
            Assert.That(entries.Select(e => e.Timestamp), Is.Ordered, "stamped by the shim as it read them");
            Assert.That(entries.Select(e => e.Timestamp), Has.All.GreaterThanOrEqualTo(info.Created));
        });
    }

    [Test]
    public async Task AContainerThatOutlivesItsEngine_KeepsLogging_AndTheNextEngineRecordsItsExit()
    {
        static void Outlive(EngineOptions options) => options.ContainersDieWithEngine = false;
        await ReopenEngineAsync(configure: Outlive);
        var info = await Engine.RunAsync(Spec("sh", "-c", "echo first; until test -e /go; do sleep 0.05; done; echo second; exit 3"));
        await WaitForLogAsync(info.Id, "first\n");

        // Engine and runtime go, as their process would: the container runs on, its shim logging.
        await ReopenEngineAsync(configure: Outlive, newRuntime: true);
        Assert.That((await Engine.InspectAsync(info.Id)).Status, Is.EqualTo(ContainerStatus.Running));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var followed = LogTextAsync(info.Id, follow: true, timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(Root, "containers", info.Id, "rootfs", "go"), "", timeout.Token);

        Assert.That(await followed, Is.EqualTo("first\nsecond\n"), "the follow ends once the container has exited");
        Assert.That(await Engine.WaitAsync(info.Id, timeout.Token), Is.EqualTo(ExitStatus.Exited(3)));
        var finished = await Engine.InspectAsync(info.Id);
        Assert.Multiple(() =>
        {
            Assert.That(finished.Status, Is.EqualTo(ContainerStatus.Stopped));
            Assert.That(finished.ExitCode, Is.EqualTo(3));
            Assert.That(finished.Finished, Is.Not.Null);
        });
    }
}
