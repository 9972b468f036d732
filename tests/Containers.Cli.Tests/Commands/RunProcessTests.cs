namespace Containers.Cli.Tests.Commands;

/// <summary>run as its own process: signals passed on to the container, and -d containers that outlive the command.</summary>
public sealed class RunProcessTests : ContainerCliTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [TestCase(15, 7, null)]
    [TestCase(2, 8, null)]
    [TestCase(2, 9, "INT QUIT")]
    [TestCase(1, 10, "HUP")]
    public async Task Run_Foreground_PassesTheSignalOnAndExitsWithTheContainersCode(int signal, int code, string? startedIgnoring)
    {
        // Started ignoring it (a script's background job ignores SIGINT, nohup SIGHUP), it still passes it on, as docker does.
        using var run = CliProcess.StartIgnoring(
            startedIgnoring,
            [.. Globals, "run", "--rm", Image,
            "sh", "-c", $"trap 'echo caught; exit {code}' TERM INT HUP; echo ready; while true; do sleep 0.1; done"]);
        await run.WaitForOutputAsync("ready", Timeout);

        run.Signal(signal);

        Assert.That(await run.WaitForExitAsync(Timeout), Is.EqualTo(code), run.Stderr);
        Assert.That(run.Stdout, Is.EqualTo("ready\ncaught\n"));
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty, "--rm removed it");
    }

    [Test]
    public async Task Run_Detached_KeepsRunningAndLoggingAfterTheCommandExits()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            Timeout, [.. Globals, "run", "-d", "--name", "bg", Image, "sh", "-c", "echo started; sleep 0.5; echo later; sleep 1000"]);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout.Trim(), Does.Match("^[0-9a-f]{64}$"));
        Assert.That(await CliOkAsync("ps", "-q"), Is.EqualTo(stdout.Trim()[..12]), "still running");
        using var follow = CliProcess.Start([.. Globals, "logs", "-f", "bg"]);
        await follow.WaitForOutputAsync("started\nlater\n", Timeout);
        await CliOkAsync("kill", "bg");
        Assert.That(await follow.WaitForExitAsync(Timeout), Is.Zero, "logs -f ends with the container's output");
        Assert.That(await CliOkAsync("rm", "bg"), Is.EqualTo("bg"));
    }

    [Test]
    public async Task Run_DetachedRm_IsRemovedWhenItExits()
    {
        var id = await CliOkAsync("run", "-d", "--rm", Image, "sh", "-c", "sleep 0.5");
        Assert.That(id, Does.Match("^[0-9a-f]{64}$"));

        var deadline = DateTime.UtcNow + Timeout;
        string left;
        do
        {
            await Task.Delay(100);
            left = Directory.Exists(Path.Combine(Root, "containers", id)) ? id : string.Empty;
        }
        while (left.Length > 0 && DateTime.UtcNow < deadline);

        Assert.That(left, Is.Empty, "its supervisor removed it, with no command running");
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty);
        Assert.That(Directory.EnumerateFiles(Path.Combine(Root, "supervisors")), Is.Empty, "the supervisor has gone");
    }

    [Test]
    public async Task Run_Foreground_WithoutRm_IsThereAfterTheCommandExits()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, [.. Globals, "run", "--name", "kept", Image, "sh", "-c", "echo kept; exit 2"]);
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stdout, Is.EqualTo("kept\n"));

        // The user's next commands, in processes of their own; an engine that opens the root
        // sweeps what containers that died with their command left.
        Assert.That((await CliProcess.RunAsync(Timeout, [.. Globals, "run", "--rm", Image, "true"])).Code, Is.Zero);
        var (psCode, table, psError) = await CliProcess.RunAsync(Timeout, [.. Globals, "ps", "-a"]);

        Assert.That(psCode, Is.Zero, psError);
        Assert.That(table, Does.Contain("Exited (2)").And.Contain("kept"));
        Assert.That(await CliOkAsync("logs", "kept"), Is.EqualTo("kept"));
    }
}
