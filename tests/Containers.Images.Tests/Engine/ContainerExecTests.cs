using System.Text;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Processes;

namespace Containers.Images.Tests.Engine;

/// <summary><c>docker exec</c>: output and exit code, user, env and working directory, streams and terminals, and refusal when the container is not running.</summary>
public sealed class ContainerExecTests : EngineTest
{
    [Test]
    public async Task Exec_CapturesStdoutStderrAndTheExitCode()
    {
        var info = await Engine.RunAsync(Spec("sleep", "60"));

        var result = await Engine.ExecAsync(info.Id, new ExecSpec(["sh", "-c", "echo out; echo err >&2; exit 4"]));

        Assert.That(result, Is.EqualTo(new ExecResult(4, "out\n", "err\n")));
    }

    [Test]
    public async Task Exec_AsAUserByName_WithEnvAndWorkingDir_RunsThatWay()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Mutate.SetEnv(Image, "FROM_IMAGE=image")) { Hostname = "box", Cmd = ["sleep", "60"] });

        var asNobody = await Engine.ExecAsync(info.Id, new ExecSpec(["sh", "-c", "id -u; id -g; echo $FROM_IMAGE $EXTRA $HOSTNAME; pwd"]) { User = "nobody", Env = ["EXTRA=exec"], WorkingDir = "/tmp" });
        var asContainer = await Engine.ExecAsync(info.Id, new ExecSpec(["sh", "-c", "id -u; pwd"]));

        Assert.Multiple(() =>
        {
            Assert.That(asNobody.Stdout, Is.EqualTo("65534\n65534\nimage exec box\n/tmp\n"));
            Assert.That(asContainer.Stdout, Is.EqualTo("0\n/\n"));
            Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.ExecAsync(info.Id, new ExecSpec(["true"]) { User = "ghost" }));
        });
    }

    [Test]
    public async Task Exec_IntoAContainerThatIsNotRunning_IsAConflict()
    {
        var created = await Engine.CreateAsync(Spec("true"));
        var exited = await RunToEndAsync(Spec("true"));

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ConflictException>(() => Engine.ExecAsync(created.Id, new ExecSpec(["true"])));
            Assert.ThrowsAsync<ConflictException>(() => Engine.ExecAsync(exited.Info.Id, new ExecSpec(["true"])));
            Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.ExecAsync(exited.Info.Id, new ExecSpec([])));
        });
    }

    [Test]
    public async Task Exec_MissingProgram_IsTheRuntimesError_NotAConflict()
    {
        var info = await Engine.RunAsync(Spec("sleep", "60"));

        var error = Assert.ThrowsAsync<FailedPreconditionException>(() => Engine.ExecAsync(info.Id, new ExecSpec(["nosuchprogram"])));

        Assert.That(error!.Message, Does.Contain("nosuchprogram").And.Contain("not found"));
    }

    [Test]
    public async Task StartExec_WithPipes_StreamsStdinToStdout()
    {
        var info = await Engine.RunAsync(Spec("sleep", "60"));

        await using var process = await Engine.StartExecAsync(info.Id, new ExecSpec(["cat"]), StdioMode.Pipes);
        await process.Io.StandardInput!.WriteAsync("ping\n"u8.ToArray());
        await process.Io.StandardInput.DisposeAsync();
        using var reader = new StreamReader(process.Io.StandardOutput!, Encoding.UTF8);
        var echoed = await reader.ReadToEndAsync();
        var status = await process.WaitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(echoed, Is.EqualTo("ping\n"));
            Assert.That(status, Is.EqualTo(ExitStatus.Exited(0)));
            Assert.That(process.ContainerId, Is.EqualTo(info.Id));
        });
    }

    [Test]
    public async Task Exec_WithATerminal_RunsOnATtyWithTermSet()
    {
        var info = await Engine.RunAsync(Spec("sleep", "60"));

        var result = await Engine.ExecAsync(info.Id, new ExecSpec(["sh", "-c", "test -t 0 && test -t 1 && echo tty $TERM"]) { Tty = true });

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.Stdout.TrimEnd(), Is.EqualTo("tty xterm"));
            Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.StartExecAsync(info.Id, new ExecSpec(["true"]) { Tty = true }, StdioMode.Pipes));
        });
    }

    [Test]
    public async Task Stats_OfARunningContainer_ShowItsMemoryLimitAndUse_AndOfAStoppedOneAreZero()
    {
        var info = await Engine.RunAsync(new ContainerRunSpec(Image) { MemoryBytes = 64L << 20, PidsLimit = 20, Cmd = ["sleep", "60"] });

        var running = await Engine.StatsAsync(info.Id);
        await Engine.KillAsync(info.Id);
        await Engine.WaitAsync(info.Id);
        var stopped = await Engine.StatsAsync(info.Id);

        Assert.Multiple(() =>
        {
            Assert.That(running.Id, Is.EqualTo(info.Id));
            Assert.That(running.MemoryLimitBytes, Is.EqualTo(64UL << 20));
            Assert.That(running.MemoryUsageBytes, Is.GreaterThan(0));
            Assert.That(running.Pids, Is.EqualTo(1));
            Assert.That(running.PidsLimit, Is.EqualTo(20));
            Assert.That(running.CpuNanoseconds, Is.GreaterThan(0));
            Assert.That(stopped.MemoryUsageBytes, Is.Zero);
            Assert.That(stopped.MemoryLimitBytes, Is.Null);
            Assert.That(stopped.Pids, Is.Zero);
        });
    }
}
