using Containers.Images.Build;

namespace Containers.Images.Tests.Build;

public sealed class DockerfileBuilderTests : BuildTest
{
    private const string Simple = """
        FROM busybox
        RUN echo built > /built.txt
        COPY hello.txt /app/
        WORKDIR /app
        ENV GREETING=hi
        CMD ["sh", "-c", "cat /built.txt hello.txt; echo $GREETING; pwd"]
        """;

    [Test]
    public async Task Build_RunCopyWorkdirEnvCmd_ImagePrintsWhatTheStepsMade()
    {
        var context = Context(("Dockerfile", Simple), ("hello.txt", "hello\n"));

        var result = await BuildAsync(context);
        var (status, output) = await RunImageAsync(result.Image);

        Assert.Multiple(() =>
        {
            Assert.That(status.ExitCode, Is.EqualTo(0), output);
            Assert.That(output, Is.EqualTo("built\nhello\nhi\n/app\n"));
            Assert.That(result.ContainersCreated, Is.EqualTo(1));
            Assert.That(result.Image.Config.History!.Count(h => h.EmptyLayer != true), Is.EqualTo(result.Image.Layers.Count));
        });
    }

    [Test]
    public async Task Build_Again_WithNothingChanged_DoesNoWork()
    {
        var context = Context(("Dockerfile", Simple), ("hello.txt", "hello\n"));
        var cold = await BuildAsync(context);
        var recorder = new Recorder();

        var warm = await BuildAsync(context, recorder);

        Assert.Multiple(() =>
        {
            Assert.That(warm.ContainersCreated, Is.EqualTo(0));
            Assert.That(warm.LayersWritten, Is.EqualTo(0));
            Assert.That(warm.CachedSteps, Is.EqualTo(3), "RUN, COPY and WORKDIR come from the cache");
            Assert.That(recorder.Finished.Where(e => e.Instruction.StartsWith("RUN", StringComparison.Ordinal) || e.Instruction.StartsWith("COPY", StringComparison.Ordinal)).All(e => e.Cached), Is.True);
            Assert.That(warm.Image.Config.RootFs.DiffIds, Is.EqualTo(cold.Image.Config.RootFs.DiffIds));
        });
    }

    [Test]
    public async Task Build_AfterASourceFileChanged_RebuildsFromTheCopyOn()
    {
        var context = Context(("Dockerfile", Simple), ("hello.txt", "hello\n"));
        var cold = await BuildAsync(context);
        File.WriteAllText(Path.Combine(context, "hello.txt"), "changed\n");

        var warm = await BuildAsync(context);
        var (_, output) = await RunImageAsync(warm.Image);

        Assert.Multiple(() =>
        {
            Assert.That(warm.CachedSteps, Is.EqualTo(1), "only the RUN before the COPY is cached");
            Assert.That(warm.Image.Config.RootFs.DiffIds.Take(2), Is.EqualTo(cold.Image.Config.RootFs.DiffIds.Take(2)));
            Assert.That(warm.Image.Config.RootFs.DiffIds[2], Is.Not.EqualTo(cold.Image.Config.RootFs.DiffIds[2]));
            Assert.That(output, Does.StartWith("built\nchanged\n"));
        });
    }
}
