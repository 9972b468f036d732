using System.Text.Json;

namespace Containers.Cli.Tests.Commands;

/// <summary>ps, inspect, wait, logs, stop, kill and rm on containers that earlier invocations made.</summary>
public sealed class LifecycleCommandTests : ContainerCliTest
{
    [Test]
    public async Task ExitedContainer_IsListedInspectedWaitedAndRemoved()
    {
        var run = await CliAsync("run", "--name", "done", Image, "sh", "-c", "echo finished; exit 3");
        Assert.That(run.Code, Is.EqualTo(3), run.Stderr);

        Assert.That(await CliOkAsync("ps"), Does.Not.Contain("done"), "ps lists only running containers");
        var table = (await CliOkAsync("ps", "-a")).Split('\n');
        Assert.That(table, Has.Length.EqualTo(2));
        Assert.That(table[0], Does.Match("^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$"));
        Assert.That(table[1], Does.Match("^[0-9a-f]{12} +busybox:test +\"sh -c 'echo finishe…\" +.+ ago +Exited \\(3\\) .+ ago +done$"));
        var id = await CliOkAsync("ps", "-a", "-q");
        Assert.That(id, Does.Match("^[0-9a-f]{12}$"));
        Assert.That(await CliOkAsync("ps", "-a", "-q", "--no-trunc"), Does.Match($"^{id}[0-9a-f]{{52}}$"));

        var inspected = JsonDocument.Parse(await CliOkAsync("inspect", id)).RootElement;
        Assert.That(inspected.GetArrayLength(), Is.EqualTo(1));
        var container = inspected[0];
        Assert.Multiple(() =>
        {
            Assert.That(container.GetProperty("Id").GetString(), Does.StartWith(id));
            Assert.That(container.GetProperty("Name").GetString(), Is.EqualTo("/done"));
            Assert.That(container.GetProperty("Path").GetString(), Is.EqualTo("sh"));
            Assert.That(container.GetProperty("Args").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "-c", "echo finished; exit 3" }));
            Assert.That(container.GetProperty("State").GetProperty("Status").GetString(), Is.EqualTo("exited"));
            Assert.That(container.GetProperty("State").GetProperty("ExitCode").GetInt32(), Is.EqualTo(3));
            Assert.That(container.GetProperty("Config").GetProperty("Image").GetString(), Is.EqualTo(Image));
            Assert.That(container.GetProperty("Image").GetString(), Does.StartWith("sha256:"));
        });

        Assert.That(await CliOkAsync("wait", "done"), Is.EqualTo("3"));
        Assert.That(await CliOkAsync("logs", "done"), Is.EqualTo("finished"));
        Assert.That(await CliOkAsync("rm", "done"), Is.EqualTo("done"));
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty);
    }

    [Test]
    public async Task Logs_TailAndTimestamps_PrintTheLastLinesStamped()
    {
        Assert.That((await CliAsync("run", "--name", "counter", Image, "seq", "1", "5")).Code, Is.Zero);

        Assert.That(await CliOkAsync("logs", "--tail", "2", "counter"), Is.EqualTo("4\n5"));
        Assert.That(await CliOkAsync("logs", "-n", "0", "counter"), Is.Empty);
        var stamped = (await CliOkAsync("logs", "-t", "--tail", "1", "counter")).Split(' ');
        Assert.That(stamped, Has.Length.EqualTo(2));
        Assert.That(stamped[0], Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$"));
        Assert.That(stamped[1], Is.EqualTo("5"));
    }

    [Test]
    public async Task StopAndKill_EndDetachedContainers()
    {
        // Trapping TERM: as pid 1, a shell would otherwise ignore it.
        var trapping = await CliOkAsync("run", "-d", "--name", "polite", Image, "sh", "-c", "trap 'exit 5' TERM; while true; do sleep 0.1; done");
        Assert.That(trapping, Does.Match("^[0-9a-f]{64}$"));
        var stubborn = await CliOkAsync("run", "-d", "--name", "stubborn", Image, "sleep", "1000");
        var up = await CliOkAsync("ps");
        Assert.That(up, Does.Contain("polite").And.Contain("stubborn").And.Contain(" Up "));

        Assert.That(await CliOkAsync("stop", "-t", "30", "polite"), Is.EqualTo("polite"));
        Assert.That(await CliOkAsync("kill", "stubborn"), Is.EqualTo("stubborn"));

        Assert.That(await CliOkAsync("wait", "polite", "stubborn"), Is.EqualTo("5\n137"));
        Assert.That(await CliOkAsync("ps", "-q"), Is.Empty);
        Assert.That(await CliOkAsync("rm", "polite", stubborn[..12]), Is.EqualTo($"polite\n{stubborn[..12]}"));
    }

    [Test]
    public async Task Rm_RunningContainer_NeedsForce()
    {
        await CliOkAsync("run", "-d", "--name", "busy", Image, "sleep", "1000");

        var refused = await CliAsync("rm", "busy");
        Assert.That(refused.Code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(refused.Stderr, Does.StartWith("containers: conflict: ").And.Contain("busy"));
        Assert.That(refused.Stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));

        Assert.That(await CliOkAsync("rm", "-f", "busy"), Is.EqualTo("busy"));
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty);
    }

    [Test]
    public async Task Rm_SomeUnknown_RemovesTheOthersAndFails()
    {
        Assert.That((await CliAsync("run", "--name", "one", Image, "true")).Code, Is.Zero);

        var (code, stdout, stderr) = await CliAsync("rm", "nosuch", "one");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stdout.Trim(), Is.EqualTo("one"));
            Assert.That(stderr, Does.StartWith("containers: not found: ").And.Contain("nosuch"));
        });
    }

    [Test]
    public async Task CreateThenStart_RunsTheContainer()
    {
        var id = await CliOkAsync("create", "--name", "later", Image, "sh", "-c", "exit 6");
        Assert.That(id, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(await CliOkAsync("ps", "-a"), Does.Contain(" Created ").And.Contain("later"));

        Assert.That(await CliOkAsync("start", "later"), Is.EqualTo("later"));

        Assert.That(await CliOkAsync("wait", "later"), Is.EqualTo("6"));
    }

    [Test]
    public async Task Restart_StopsAndStartsTheContainerAgain()
    {
        await CliOkAsync("run", "-d", "--name", "again", Image, "sleep", "1000");
        var first = StartedAt(await CliOkAsync("inspect", "again"));

        Assert.That(await CliOkAsync("restart", "-t", "1", "again"), Is.EqualTo("again"));

        var inspected = JsonDocument.Parse(await CliOkAsync("inspect", "again")).RootElement[0];
        Assert.That(inspected.GetProperty("State").GetProperty("Status").GetString(), Is.EqualTo("running"));
        Assert.That(inspected.GetProperty("State").GetProperty("StartedAt").GetDateTime(), Is.GreaterThan(first));
    }

    private static DateTime StartedAt(string json) => JsonDocument.Parse(json).RootElement[0].GetProperty("State").GetProperty("StartedAt").GetDateTime();
}
