using Containers.Errors;
using Containers.Images.Testing;

namespace Containers.Images.Tests.Testing;

/// <summary>The builder is immutable, and refuses settings that cannot work when they are given.</summary>
public sealed class ContainerBuilderTests : ThrowawayContainerTest
{
    [Test]
    public async Task With_OnABuilder_LeavesItAndWhatItBuildsUnchanged()
    {
        var first = Builder()
            .WithCommand("sh", "-c", "echo \"A=$A B=$B\"; exec sleep 60")
            .WithEnvironment("A", "1")
            .WithWaitStrategy(Wait.ForLogMessage("A="));
        var built = first.Build();

        _ = first.WithEnvironment("A", "2").WithEnvironment("B", "2").WithName("derived").WithCommand("false").WithWaitStrategy(Wait.ForFile("/never"));
        await using var fromFirst = first.Build();
        await using (built)
        {
            await StartAsync(fromFirst);
            await StartAsync(built);

            Assert.Multiple(async () =>
            {
                Assert.That((await fromFirst.GetLogsAsync()).Stdout, Is.EqualTo("A=1 B=\n"));
                Assert.That((await built.GetLogsAsync()).Stdout, Is.EqualTo("A=1 B=\n"));
                Assert.That(fromFirst.Name, Is.Not.EqualTo("derived"));
            });
        }
    }

    [Test]
    public async Task WithImage_AReference_IsResolvedInTheLocalImagesWhenTheContainerStarts()
    {
        var images = new LocalImages(Root, Engine);
        await images.AddAsync(Image, ImageReference.Parse("throwaway/busybox:test"));
        var builder = Builder()
            .WithLocalImages(images)
            .WithCommand("sh", "-c", "echo from the store; exec sleep 60")
            .WithWaitStrategy(Wait.ForLogMessage("from the store"));
        await using var missing = builder.WithImage("throwaway/absent:test").Build();
        await using var container = builder.WithImage("throwaway/busybox:test").Build();

        Assert.ThrowsAsync<NotFoundException>(() => StartAsync(missing));
        await StartAsync(container);

        var info = await Engine.InspectAsync(container.Id);
        Assert.Multiple(() =>
        {
            Assert.That(info.Image, Is.EqualTo(Image.Digest));
            Assert.That(missing.State, Is.EqualTo(ThrowawayContainerState.Unstarted), "nothing was made for an image that is not there");
        });
    }

    [Test]
    public void Settings_ThatCannotWork_AreRefusedWhenGiven()
    {
        var builder = new ContainerBuilder();

        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidArgumentException>(() => builder.Build(), "no image");
            Assert.Throws<InvalidArgumentException>(() => builder.WithEnvironment("A=B", "c"));
            Assert.Throws<InvalidArgumentException>(() => builder.WithResourceLimits(memoryBytes: 0));
            Assert.Throws<InvalidArgumentException>(() => builder.WithResourceLimits(cpus: double.NaN));
            Assert.Throws<InvalidArgumentException>(() => builder.WithWorkingDirectory("relative"));
            Assert.Throws<InvalidArgumentException>(() => builder.WithStartupTimeout(TimeSpan.Zero));
        });
    }
}
