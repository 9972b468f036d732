using System.Text.Json;

namespace Containers.Cli.Tests.Commands;

public sealed class RunCommandTests : ContainerCliTest
{
    [Test]
    public async Task Run_PrintsTheOutputAndExitsWithTheContainersExitCode()
    {
        var (code, stdout, stderr) = await CliAsync("run", Image, "sh", "-c", "echo out; echo err >&2; exit 3");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(3), stderr);
            Assert.That(stdout, Is.EqualTo("out\n"));
            Assert.That(stderr, Is.EqualTo("err\n"));
        });
    }

    [Test]
    public async Task Run_Rm_LeavesNothingBehind()
    {
        var (code, stdout, stderr) = await CliAsync("run", "--rm", Image, "echo", "bye");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Is.EqualTo("bye\n"));
        });
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty);
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(Root, "containers")), Is.Empty);
        Assert.That(Mounts.MountInfo.ReadSelf().Where(m => m.MountPoint.StartsWith(Root + "/", StringComparison.Ordinal)), Is.Empty, "its rootfs is unmounted");
    }

    [Test]
    public async Task Run_ArgumentsAfterTheImage_GoToTheContainer()
    {
        var (code, stdout, stderr) = await CliAsync("run", "--rm", "-e", "A=1", Image, "sh", "-c", "echo $A $0 $1", "-e", "--rm");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("1 -e --rm\n"));
    }

    [Test]
    public async Task Run_Settings_ReachTheContainer()
    {
        var envFile = Path.Combine(Work, "env");
        await File.WriteAllTextAsync(envFile, "# from a file\nFROM_FILE=yes\nBOTH=file\n");
        const string Script =
            "echo $(hostname) $(id -u) $(pwd) $FROM_FILE $BOTH; "
            + "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; "
            + "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max; "
            + "touch /x 2>/dev/null && echo writable || echo read-only";

        var (code, stdout, stderr) = await CliAsync(
            "run", "--rm", "-h", "box", "-u", "nobody", "-w", "/tmp", "--env-file", envFile, "-e", "BOTH=flag",
            "-m", "64m", "--cpus", "0.5", "--pids-limit", "20", "--read-only", Image, "sh", "-c", Script);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "box 65534 /tmp yes flag", "67108864", "20", "read-only" }));
    }

    [Test]
    public async Task Run_Entrypoint_ReplacesTheImagesCommand()
    {
        var (code, stdout, stderr) = await CliAsync("run", "--rm", "--entrypoint", "echo", Image, "from", "entrypoint");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("from entrypoint\n"));
    }

    [Test]
    public async Task Run_OverTheMemoryLimit_IsOomKilled()
    {
        // sh holds a 48 MiB string: over the 16 MiB limit, so the kernel kills it.
        var (code, _, _) = await CliAsync("run", "--name", "hog", "-m", "16m", Image, "sh", "-c", "x=$(head -c 50331648 /dev/zero | tr '\\0' a); echo ${#x}");

        Assert.That(code, Is.EqualTo(137));
        var state = JsonDocument.Parse(await CliOkAsync("inspect", "hog")).RootElement[0].GetProperty("State");
        Assert.That(state.GetProperty("OOMKilled").GetBoolean(), Is.True);
    }
}
