using System.Text.RegularExpressions;
using Containers.Errors;
using Containers.Images.Testing;

namespace Containers.Images.Tests.Testing;

/// <summary>The wait strategies against real containers: each passes when its condition comes true, and a start that cannot succeed fails with the container's log.</summary>
public sealed class WaitStrategyTests : ThrowawayContainerTest
{
    private const string ThirtyLines = "i=0; while test $i -lt 30; do i=$((i+1)); echo line$i; done; ";

    [Test]
    public async Task ForLogMessage_ThatNeverMatches_TimesOutNamingTheStrategyContainerAndTimeoutWithTheLast20Lines()
    {
        await using var container = Builder()
            .WithName("silent")
            // stdout and stderr are separate pipes: the pause keeps their order in the log.
            .WithCommand("sh", "-c", ThirtyLines + "sleep 1; echo last >&2; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage("never said"))
            .WithStartupTimeout(TimeSpan.FromSeconds(5))
            .Build();

        var error = Assert.ThrowsAsync<WaitStrategyTimeoutException>(() => StartAsync(container));

        string[] expected = [.. Enumerable.Range(12, 19).Select(i => $"line{i}"), "last"];
        Assert.Multiple(() =>
        {
            Assert.That(error!.LastLogLines, Is.EqualTo(expected));
            Assert.That(error.Message, Does.Contain("log message \"never said\""));
            Assert.That(error.Message, Does.Contain($"silent ({container.Id[..12]})"));
            Assert.That(error.Message, Does.Contain("00:00:05"));
            Assert.That(error.Message, Does.Contain("line12").And.Contain("line30").And.Contain("last"));
            Assert.That(error.Message, Does.Not.Contain("line11"));
            Assert.That(error.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(container.State, Is.EqualTo(ThrowawayContainerState.Running), "a failed start leaves the container for inspection until disposed");
        });
    }

    [Test]
    public async Task AContainerThatExitsDuringTheWait_FailsFastWithItsExitCodeAndLog()
    {
        await using var container = Builder()
            .WithCommand("sh", "-c", "echo giving up; exit 3")
            .WithWaitStrategy(Wait.ForLogMessage("never said"))
            .WithStartupTimeout(TimeSpan.FromMinutes(10))
            .Build();

        // Were the exit not noticed, this would be a timeout after ten minutes, not this error.
        var error = Assert.ThrowsAsync<FailedPreconditionException>(() => StartAsync(container));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("exited with code 3"));
            Assert.That(error.Message, Does.Contain("log message \"never said\""));
            Assert.That(error.Message, Does.Contain("giving up"));
            Assert.That(container.State, Is.EqualTo(ThrowawayContainerState.Exited));
            Assert.That(container.ExitCode, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task ForLogMessage_WithAPatternAndOccurrences_WaitsForThatManyMatchingLines()
    {
        await using var container = Builder()
            .WithCommand("sh", "-c", "echo tick 1; sleep 1; echo tick 2 >&2; sleep 1; echo tick 3; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage(new Regex("^tick [0-9]$"), occurrences: 3))
            .Build();

        await StartAsync(container);

        var (stdout, stderr) = await container.GetLogsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(stdout, Is.EqualTo("tick 1\ntick 3\n"));
            Assert.That(stderr, Is.EqualTo("tick 2\n"));
        });
    }

    [Test]
    public async Task ForFile_PassesOnceTheFileExistsInTheContainer()
    {
        await using var container = Builder()
            .WithCommand("sh", "-c", "sleep 1; mkdir -p /run/app; touch /run/app/ready; exec sleep 60")
            .WithWaitStrategy(Wait.ForFile("/run/app/ready"))
            .Build();

        await StartAsync(container);

        Assert.That(ExistsInRootfs(container, "/run/app/ready"), Is.True, "StartAsync returned before the file existed");
    }

    [Test]
    public async Task SeveralStrategies_AllMustPass()
    {
        await using var container = Builder()
            .WithCommand("sh", "-c", "echo first; sleep 1; touch /tmp/second; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage("first"))
            .WithWaitStrategy(Wait.ForFile("/tmp/second"))
            .Build();

        await StartAsync(container);

        Assert.That(ExistsInRootfs(container, "/tmp/second"), Is.True, "StartAsync returned after the first strategy alone");
    }

    [Test]
    public async Task ForFile_FollowsSymlinksInsideTheContainerOnly()
    {
        await using var container = Builder()
            .WithCommand("sh", "-c", "ln -s /../../../../../../../../etc/os-release /tmp/escape; ln -s /etc/passwd /tmp/inside; echo linked; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage("linked"))
            .Build();
        await StartAsync(container);
        Assume.That(File.Exists("/etc/os-release"), "the host has /etc/os-release for the link to aim at");

        Assert.Multiple(() =>
        {
            Assert.That(ContainerFiles.Exists(container.Pid, "/tmp/escape"), Is.False, "the link resolved on the host");
            Assert.That(ContainerFiles.Exists(container.Pid, "/tmp/inside"), Is.True);
            Assert.That(ContainerFiles.Exists(container.Pid, "/etc/passwd/nested"), Is.False);
        });
    }

    [Test]
    public void Strategies_RefuseArgumentsThatCannotWork()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidArgumentException>(() => Wait.ForFile("relative/path"));
            Assert.Throws<InvalidArgumentException>(() => Wait.ForLogMessage("text", occurrences: 0));
            Assert.That(Wait.ForLogMessage("ready", 2).Description, Is.EqualTo("log message \"ready\" 2 times"));
        });
    }
}
