using System.Text.Json;

namespace Containers.Cli.Tests.Commands;

public sealed class VolumeCommandTests : ContainerCliTest
{
    [Test]
    public async Task NamedVolume_KeepsDataBetweenContainers_AndIsListedInspectedRemoved()
    {
        Assert.That(await CliOkAsync("volume", "create", "data"), Is.EqualTo("data"));

        Assert.That((await CliAsync("run", "--rm", "-v", "data:/data", Image, "sh", "-c", "echo kept > /data/file")).Code, Is.Zero);
        var (code, stdout, stderr) = await CliAsync("run", "--rm", "-v", "data:/data:ro", Image, "sh", "-c", "cat /data/file; touch /data/other 2>/dev/null || echo read-only");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("kept\nread-only\n"));
        var table = (await CliOkAsync("volume", "ls")).Split('\n');
        Assert.That(table, Is.EqualTo(new[] { "DRIVER    VOLUME NAME", "local     data" }));
        var inspected = JsonDocument.Parse(await CliOkAsync("volume", "inspect", "data")).RootElement[0];
        Assert.That(inspected.GetProperty("Name").GetString(), Is.EqualTo("data"));
        Assert.That(File.ReadAllText(Path.Combine(inspected.GetProperty("Mountpoint").GetString()!, "file")), Is.EqualTo("kept\n"));
        Assert.That(await CliOkAsync("volume", "rm", "data"), Is.EqualTo("data"));
        Assert.That(await CliOkAsync("volume", "ls", "-q"), Is.Empty);
    }

    [Test]
    public async Task BindMount_ShowsTheHostDirectory_AndInspectListsIt()
    {
        var host = Directory.CreateDirectory(Path.Combine(Work, "shared")).FullName;
        await File.WriteAllTextAsync(Path.Combine(host, "hello.txt"), "from the host\n");

        var (code, stdout, stderr) = await CliAsync("run", "--name", "reader", "-v", $"{host}:/mnt:ro", Image, "cat", "/mnt/hello.txt");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("from the host\n"));
        var mount = JsonDocument.Parse(await CliOkAsync("inspect", "reader")).RootElement[0].GetProperty("Mounts")[0];
        Assert.Multiple(() =>
        {
            Assert.That(mount.GetProperty("Type").GetString(), Is.EqualTo("bind"));
            Assert.That(mount.GetProperty("Source").GetString(), Is.EqualTo(host));
            Assert.That(mount.GetProperty("Destination").GetString(), Is.EqualTo("/mnt"));
            Assert.That(mount.GetProperty("RW").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task Run_BadVolume_IsOneLineAndExit125()
    {
        var (code, _, stderr) = await CliAsync("run", "--rm", "-v", "a:b:c:d", Image, "true");

        Assert.That(code, Is.EqualTo(125));
        Assert.That(stderr, Does.StartWith("containers: invalid argument: ").And.Contain("a:b:c:d"));
    }
}
