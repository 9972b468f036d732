namespace Containers.Cli.Tests.Commands;

/// <summary><c>containers build</c>, end to end on one root: steps printed as docker prints them, the cache, outputs, errors.</summary>
public sealed class BuildCommandTests : ContainerCliTest
{
    private string Context(string dockerfile, params (string Path, string Text)[] files)
    {
        var context = Path.Combine(Work, "ctx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile.Replace("FROM busybox", $"FROM {Image}", StringComparison.Ordinal));
        foreach (var (path, text) in files)
        {
            File.WriteAllText(Path.Combine(context, path), text);
        }

        return context;
    }

    [Test]
    public async Task Build_PrintsEachStep_ThenUsingCacheTheSecondTime_AndTheImageRuns()
    {
        var context = Context("FROM busybox\nARG WHO=world\nRUN echo \"hello $WHO\" > /greeting\nCOPY file.txt /app/\nCMD [\"cat\", \"/greeting\", \"/app/file.txt\"]\n", ("file.txt", "content\n"));

        var first = (await CliOkAsync("build", "-t", "demo:1", "--build-arg", "WHO=you", context)).Split('\n');
        var second = (await CliOkAsync("build", "-t", "demo:1", "--build-arg", "WHO=you", context)).Split('\n');
        var (code, stdout, stderr) = await CliAsync("run", "--rm", "demo:1");

        Assert.Multiple(() =>
        {
            Assert.That(first.Where(l => l.StartsWith("Step ", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                $"Step 1/5 : FROM {Image}",
                "Step 2/5 : ARG WHO=world",
                "Step 3/5 : RUN echo \"hello $WHO\" > /greeting",
                "Step 4/5 : COPY file.txt /app/",
                "Step 5/5 : CMD [\"cat\", \"/greeting\", \"/app/file.txt\"]",
            }));
            Assert.That(first, Has.None.StartsWith(" ---> Using cache"));
            Assert.That(first[^2], Does.Match("^Successfully built [0-9a-f]{12}$"));
            Assert.That(first[^1], Is.EqualTo("Successfully tagged demo:1"));
            Assert.That(second.Count(l => l.StartsWith(" ---> Using cache (", StringComparison.Ordinal)), Is.EqualTo(2), string.Join('\n', second));
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Is.EqualTo("hello you\ncontent\n"));
        });
    }

    [Test]
    public async Task Build_WithQuietAndAnOciOutput_PrintsTheIdAndWritesTheLayout()
    {
        var context = Context("FROM busybox\nRUN echo x > /x\n");
        var layout = Path.Combine(Work, "layout");

        var id = await CliOkAsync("build", "-q", "-t", "app:v2", "-o", $"type=oci,dest={layout}", context);

        Assert.Multiple(() =>
        {
            Assert.That(id, Does.Match("^sha256:[0-9a-f]{64}$"));
            Assert.That(File.ReadAllText(Path.Combine(layout, "index.json")), Does.Contain("\"org.opencontainers.image.ref.name\":\"v2\""));
        });
    }

    [Test]
    public async Task Build_WithAFailingRun_ExitsWithAnErrorNamingTheLine()
    {
        var context = Context("FROM busybox\nRUN echo going; exit 7\n");

        var (code, stdout, stderr) = await CliAsync("build", context);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(stdout, Does.Contain("going"));
            Assert.That(stderr, Does.StartWith("containers: build step failed: Dockerfile:2: RUN echo going; exit 7: the command returned exit code 7"));
        });
    }
}
