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
    }

    [Test]
    public async Task Run_ArgumentsAfterTheImage_GoToTheContainer()
    {
        var (code, stdout, stderr) = await CliAsync("run", "--rm", "-e", "A=1", Image, "sh", "-c", "echo $A $0 $1", "-e", "--rm");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("1 -e --rm\n"));
    }
}
