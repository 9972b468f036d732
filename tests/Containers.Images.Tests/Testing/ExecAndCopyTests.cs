using System.Text;
using Containers.Errors;
using Containers.Images.Testing;

namespace Containers.Images.Tests.Testing;

/// <summary>Exec, the command wait, bind mounts and copies in and out of a throwaway container.</summary>
public sealed class ExecAndCopyTests : ThrowawayContainerTest
{
    [Test]
    public async Task ForCommand_PassesOnceTheCommandExitsZero()
    {
        await using var container = Builder()
            .WithCommand("sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 60")
            .WithWaitStrategy(Wait.ForCommand("test", "-e", "/tmp/ready"))
            .Build();

        await StartAsync(container);

        Assert.That(ExistsInRootfs(container, "/tmp/ready"), Is.True, "StartAsync returned before the command succeeded");
    }

    [Test]
    public async Task ExecAsync_ReturnsTheExitCodeAndBothOutputs()
    {
        await using var container = Builder().WithCommand("sleep", "60").Build();
        await StartAsync(container);

        var result = await container.ExecAsync("sh", "-c", "echo out; echo err >&2; exit 4");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(4));
            Assert.That(result.Stdout, Is.EqualTo("out\n"));
            Assert.That(result.Stderr, Is.EqualTo("err\n"));
        });
    }

    [Test]
    public async Task WithBindMount_ReadOnly_ShowsTheHostFilesAndRefusesWrites()
    {
        var host = Directory.CreateTempSubdirectory("throwaway-bind-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(host, "greeting"), "from the host\n");
            await using var container = Builder()
                .WithCommand("sleep", "60")
                .WithBindMount(host, "/data", readOnly: true)
                .WithWaitStrategy(Wait.ForFile("/data/greeting"))
                .Build();
            await StartAsync(container);

            var read = await container.ExecAsync("cat", "/data/greeting");
            var write = await container.ExecAsync("touch", "/data/new");

            Assert.Multiple(() =>
            {
                Assert.That(read.Stdout, Is.EqualTo("from the host\n"));
                Assert.That(write.ExitCode, Is.Not.EqualTo(0), "a read-only bind was writable");
                Assert.That(File.Exists(Path.Combine(host, "new")), Is.False);
            });
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    [Test]
    public async Task CopyToAsync_ThenReadFileAsync_RoundTripsTheContent()
    {
        await using var container = Builder().WithCommand("sleep", "60").Build();
        await StartAsync(container);

        await container.CopyToAsync(Encoding.UTF8.GetBytes("copied in\n"), "/tmp/copied.txt");
        var seen = await container.ExecAsync("cat", "/tmp/copied.txt");
        var read = await container.ReadFileAsync("/tmp/copied.txt");

        Assert.Multiple(() =>
        {
            Assert.That(seen.Stdout, Is.EqualTo("copied in\n"));
            Assert.That(Encoding.UTF8.GetString(read), Is.EqualTo("copied in\n"));
            Assert.ThrowsAsync<NotFoundException>(() => container.ReadFileAsync("/tmp/absent"));
            Assert.ThrowsAsync<InvalidArgumentException>(() => container.ReadFileAsync("/tmp"));
        });
    }

    [Test]
    public async Task CopyToAsync_AHostDirectory_CopiesItAndWhatItHolds()
    {
        var host = Directory.CreateTempSubdirectory("throwaway-copy-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(host, "conf", "nested"));
            await File.WriteAllTextAsync(Path.Combine(host, "conf", "nested", "app.conf"), "key=value\n");
            await using var container = Builder().WithCommand("sleep", "60").Build();
            await StartAsync(container);

            await container.CopyToAsync(Path.Combine(host, "conf"), "/etc");

            Assert.That(Encoding.UTF8.GetString(await container.ReadFileAsync("/etc/conf/nested/app.conf")), Is.EqualTo("key=value\n"));
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }
}
