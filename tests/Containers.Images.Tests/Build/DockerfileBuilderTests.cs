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
            Assert.That(File.ReadAllText(Path.Combine(Root, "build-cache", "file-hashes.json")), Does.Contain("\"h\":\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("hello\n"u8)) + "\""), "the source's hash is remembered for later builds");
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

    [Test]
    public async Task Build_WithNoCache_RunsEveryStepAgain()
    {
        var context = Context(("Dockerfile", Simple), ("hello.txt", "hello\n"));
        await BuildAsync(context);

        var again = await BuildAsync(context, configure: r => r with { NoCache = true });

        Assert.Multiple(() =>
        {
            Assert.That(again.CachedSteps, Is.EqualTo(0));
            Assert.That(again.ContainersCreated, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RunMountCache_KeepsItsFilesBetweenBuilds_AndNoneReachTheImage()
    {
        var context = Context(("Dockerfile", """
            FROM busybox
            RUN --mount=type=cache,target=/cache,id=counter \
                echo run >> /cache/runs && wc -l < /cache/runs > /runs.txt
            CMD ["cat", "/runs.txt"]
            """));
        await BuildAsync(context);

        var second = await BuildAsync(context, configure: r => r with { NoCache = true });
        var files = await ImageFiles.FlattenAsync(second.Image);

        Assert.Multiple(async () =>
        {
            Assert.That((await RunImageAsync(second.Image)).Output.Trim(), Is.EqualTo("2"));
            Assert.That(files.Keys, Has.None.StartsWith("cache"));
        });
    }

    [Test]
    public async Task RunMountBind_OfAStage_ShowsItsFilesReadOnly()
    {
        var context = Context(("Dockerfile", """
            FROM busybox AS tools
            RUN echo from-tools > /tool.txt
            FROM busybox
            RUN --mount=type=bind,from=tools,source=/,target=/mnt \
                cat /mnt/tool.txt > /copied.txt && ! touch /mnt/write-attempt 2>/dev/null
            CMD ["cat", "/copied.txt"]
            """));

        var result = await BuildAsync(context);

        Assert.That((await RunImageAsync(result.Image)).Output, Is.EqualTo("from-tools\n"));
    }
}
