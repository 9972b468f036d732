namespace Containers.Cli.Tests.Commands;

public sealed class CopyCommandTests : ContainerCliTest
{
    [Test]
    public async Task Cp_IntoAContainer_FollowsDockersRules()
    {
        await CliOkAsync("create", "--name", "box", Image, "sh", "-c", "cat /tmp/file.txt /tmp/renamed.txt /tmp/dir/inner.txt /copied/inner.txt");
        var file = Path.Combine(Work, "file.txt");
        await File.WriteAllTextAsync(file, "a file\n");
        var dir = Directory.CreateDirectory(Path.Combine(Work, "dir")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "inner.txt"), "inner\n");

        await CliOkAsync("cp", file, "box:/tmp");
        await CliOkAsync("cp", file, "box:/tmp/renamed.txt");
        await CliOkAsync("cp", dir, "box:/tmp/");
        await CliOkAsync("cp", dir, "box:/copied");
        var (code, stdout, stderr) = await CliAsync("start", "box");
        Assert.That(code, Is.Zero, stderr);

        Assert.That(await CliOkAsync("wait", "box"), Is.EqualTo("0"));
        Assert.That(await CliOkAsync("logs", "box"), Is.EqualTo("a file\na file\ninner\ninner"));
    }

    [Test]
    public async Task Cp_OutOfAContainer_FollowsDockersRules()
    {
        Assert.That((await CliAsync("run", "--name", "box", Image, "sh", "-c", "mkdir -p /out/sub && echo one > /out/one.txt && echo two > /out/sub/two.txt")).Code, Is.Zero);
        var into = Directory.CreateDirectory(Path.Combine(Work, "into")).FullName;

        await CliOkAsync("cp", "box:/out", into);
        await CliOkAsync("cp", "box:/out/one.txt", Path.Combine(Work, "renamed.txt"));
        await CliOkAsync("cp", "box:/out", Path.Combine(Work, "fresh"));
        await CliOkAsync("cp", "box:/out/.", Path.Combine(Work, "contents"));

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(into, "out", "sub", "two.txt")), Is.EqualTo("two\n"));
            Assert.That(File.ReadAllText(Path.Combine(Work, "renamed.txt")), Is.EqualTo("one\n"));
            Assert.That(File.ReadAllText(Path.Combine(Work, "fresh", "one.txt")), Is.EqualTo("one\n"));
            Assert.That(File.ReadAllText(Path.Combine(Work, "contents", "sub", "two.txt")), Is.EqualTo("two\n"));
            Assert.That(Directory.EnumerateDirectories(Work, ".containers-cp-*"), Is.Empty, "no staging directory is left");
        });
    }

    [Test]
    public async Task Cp_MissingPathInTheContainer_IsNotFound()
    {
        await CliOkAsync("create", "--name", "box", Image, "true");

        var (code, _, stderr) = await CliAsync("cp", "box:/nowhere", Path.Combine(Work, "x"));

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stderr, Does.StartWith("containers: not found: ").And.Contain("/nowhere"));
    }

    [Test]
    public async Task Cp_NoContainerSide_IsInvalid()
    {
        var (code, _, stderr) = await CliAsync("cp", Path.Combine(Work, "a"), Path.Combine(Work, "b"));

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stderr, Does.Contain("CONTAINER:PATH"));
    }
}
