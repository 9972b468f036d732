using Containers.Cli.Output;
using Containers.Images;
using Containers.Images.Engine;
using Containers.Runtime;

namespace Containers.Cli.Tests.Output;

public sealed class ContainerTextTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Test]
    public void Status_ReadsAsDockersDoes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ContainerText.Status(Info(ContainerStatus.Created), Now), Is.EqualTo("Created"));
            Assert.That(ContainerText.Status(Info(ContainerStatus.Running) with { Started = Now.AddMinutes(-5) }, Now), Is.EqualTo("Up 5 minutes"));
            Assert.That(ContainerText.Status(Info(ContainerStatus.Paused) with { Started = Now.AddSeconds(-2) }, Now), Is.EqualTo("Up 2 seconds (Paused)"));
            Assert.That(
                ContainerText.Status(Info(ContainerStatus.Stopped) with { Started = Now.AddHours(-3), Finished = Now.AddSeconds(-3), ExitCode = 137 }, Now),
                Is.EqualTo("Exited (137) 3 seconds ago"));
            Assert.That(ContainerText.Status(Info(ContainerStatus.Stopped), Now), Is.EqualTo("Created"), "stopped before it ever started");
        });
    }

    [Test]
    public void Command_QuotesArgumentsWithSpaces_AndCutsAt20()
    {
        var info = Info(ContainerStatus.Created) with { Args = ["sh", "-c", "echo \"hi\"; sleep 10"] };

        Assert.Multiple(() =>
        {
            Assert.That(ContainerText.Command(info, full: true), Is.EqualTo("\"sh -c 'echo \\\"hi\\\"; sleep 10'\""));
            Assert.That(ContainerText.Command(info, full: false), Is.EqualTo("\"sh -c 'echo \\\"hi\\\"; s…\""));
            Assert.That(ContainerText.Command(Info(ContainerStatus.Created) with { Args = ["true"] }, full: false), Is.EqualTo("\"true\""));
        });
    }

    [Test]
    public void ImageAndIds_AreShortWhereDockerShortensThem()
    {
        var info = Info(ContainerStatus.Created);

        Assert.Multiple(() =>
        {
            Assert.That(ContainerText.Image(info), Is.EqualTo(info.Image.Hex[..12]));
            Assert.That(ContainerText.Image(info with { ImageName = "busybox" }), Is.EqualTo("busybox"));
            Assert.That(ContainerText.ShortId(info.Id), Is.EqualTo(info.Id[..12]));
            Assert.That(ContainerText.State(Info(ContainerStatus.Stopped) with { Started = Now }), Is.EqualTo("exited"));
        });
    }

    private static ContainerInfo Info(ContainerStatus status) => new()
    {
        Id = new string('a', 32) + new string('b', 32),
        Name = "test",
        Image = Digest.Compute("image"u8),
        Status = status,
        Created = Now.AddHours(-4),
    };
}
