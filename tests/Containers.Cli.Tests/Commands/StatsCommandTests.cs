namespace Containers.Cli.Tests.Commands;

public sealed class StatsCommandTests : ContainerCliTest
{
    [Test]
    public async Task Stats_NoStream_PrintsDockersTable()
    {
        await CliOkAsync("run", "-d", "--name", "limited", "-m", "64m", Image, "sleep", "1000");
        await CliOkAsync("run", "-d", "--name", "free", Image, "sleep", "1000");

        var lines = (await CliOkAsync("stats", "--no-stream")).Split('\n');

        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.Match("^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$"));
        var limited = lines.Single(l => l.Contains(" limited ", StringComparison.Ordinal));
        Assert.That(limited, Does.Match(@"^[0-9a-f]{12} +limited +\d+\.\d\d% +[0-9.]+[KM]?i?B / 64MiB +\d+\.\d\d% +-- +\S+ / \S+ +1$"));
        Assert.That(lines.Single(l => l.Contains(" free ", StringComparison.Ordinal)), Does.Not.Contain("/ 64MiB"), "no limit: the host's memory");
    }

    [Test]
    public async Task Stats_NamedContainers_OnlyThose()
    {
        await CliOkAsync("run", "-d", "--name", "one", Image, "sleep", "1000");
        await CliOkAsync("run", "-d", "--name", "two", Image, "sleep", "1000");

        var lines = (await CliOkAsync("stats", "--no-stream", "two")).Split('\n');

        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.Contain(" two "));
    }
}
