namespace Containers.Cli.Tests.Commands;

public sealed class ExecCommandTests : ContainerCliTest
{
    [Test]
    public async Task Exec_PrintsTheOutputAndExitsWithTheProcessesCode()
    {
        await CliOkAsync("run", "-d", "--name", "host", "-e", "FROM_RUN=1", Image, "sleep", "1000");

        var (code, stdout, stderr) = await CliAsync("exec", "-e", "FROM_EXEC=2", "-w", "/tmp", "-u", "nobody", "host", "sh", "-c", "echo $FROM_RUN $FROM_EXEC $(pwd) $(id -u); echo oops >&2; exit 4");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(4));
            Assert.That(stdout, Is.EqualTo("1 2 /tmp 65534\n"));
            Assert.That(stderr, Is.EqualTo("oops\n"));
        });
    }

    [Test]
    public async Task Exec_ArgumentsAfterTheContainer_GoToTheProcess()
    {
        await CliOkAsync("run", "-d", "--name", "host", Image, "sleep", "1000");

        var (code, stdout, stderr) = await CliAsync("exec", "host", "echo", "-e", "-w", "x");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("-e -w x\n").Or.EqualTo("-w x\n"), "echo's own -e may be taken as its flag, but never exec's");
    }

    [Test]
    public async Task Exec_MissingProgram_Exits127()
    {
        await CliOkAsync("run", "-d", "--name", "host", Image, "sleep", "1000");

        var (code, _, stderr) = await CliAsync("exec", "host", "nosuchprogram");

        Assert.That(code, Is.EqualTo(127), stderr);
        Assert.That(stderr, Does.Contain("nosuchprogram"));
    }

    [Test]
    public async Task Exec_StoppedContainer_IsAConflict()
    {
        Assert.That((await CliAsync("run", "--name", "done", Image, "true")).Code, Is.Zero);

        var (code, _, stderr) = await CliAsync("exec", "done", "true");

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stderr, Does.StartWith("containers: conflict: ").And.Contain("not running"));
    }

    [Test]
    public async Task Exec_Interactive_PassesStdinOn()
    {
        await CliOkAsync("run", "-d", "--name", "host", Image, "sleep", "1000");

        using var exec = CliProcess.Start([.. Globals, "exec", "-i", "host", "sh", "-c", "wc -l; cat"]);
        await exec.WriteStdinAndCloseAsync("one\ntwo\n");

        Assert.That(await exec.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, exec.Stderr);
        Assert.That(exec.Stdout.Trim(), Is.EqualTo("2"), "wc read both lines, and cat then met end-of-file");
    }

    [Test]
    public async Task Exec_WithoutInteractive_TheProcessReadsEndOfFile()
    {
        await CliOkAsync("run", "-d", "--name", "host", Image, "sleep", "1000");

        using var exec = CliProcess.Start([.. Globals, "exec", "host", "wc", "-c"]);
        await exec.WriteStdinAndCloseAsync("ignored\n");

        Assert.That(await exec.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, exec.Stderr);
        Assert.That(exec.Stdout.Trim(), Is.EqualTo("0"));
    }
}
