using Containers.Errors;
using Containers.Images.Build;
using Containers.Images.Build.Dockerfile;

namespace Containers.Images.Tests.Build;

/// <summary>What single steps put into layers and history, and what failures say and leave.</summary>
public sealed class BuildStepTests : BuildTest
{
    [Test]
    public async Task Run_OnAnImageWithoutMountTargets_LayerHoldsOnlyWhatTheCommandWrote()
    {
        // A base with no /etc/hosts, /etc/hostname, /etc/resolv.conf, /proc, /dev, /sys or /etc at all.
        var context = Context(("Dockerfile", """
            FROM scratch
            COPY --from=busybox /bin /bin
            RUN ["/bin/sh", "-c", "echo hi > /f"]
            CMD ["/bin/cat", "/f"]
            """));

        var result = await BuildAsync(context);
        var runLayer = result.Image.Layers[^1];

        Assert.Multiple(async () =>
        {
            Assert.That(await ImageFiles.EntriesAsync(runLayer), Is.EqualTo(new[] { "f" }));
            Assert.That((await RunImageAsync(result.Image)).Output, Is.EqualTo("hi\n"));
        });
    }

    [Test]
    public async Task Run_OnBusybox_LeavesNoHostsHostnameOrResolvConfStub()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN cat /etc/hosts /etc/resolv.conf > /dev/null && echo x > /x\n"));

        var result = await BuildAsync(context);

        Assert.That(await ImageFiles.EntriesAsync(result.Image.Layers[^1]), Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public async Task Run_ThatChangesNothing_AddsNoLayerButAnEmptyLayerHistoryEntry()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN true\n"));

        var result = await BuildAsync(context);

        Assert.Multiple(() =>
        {
            Assert.That(result.Image.Layers, Has.Count.EqualTo(Image.Layers.Count));
            Assert.That(result.Image.Config.History![^1].EmptyLayer, Is.True);
            Assert.That(result.Image.Config.History![^1].CreatedBy, Is.EqualTo("RUN /bin/sh -c true # buildkit"));
        });
    }

    [Test]
    public async Task Run_ThatFails_NamesTheLineTheExitCodeAndTheLastOutput_AndLeavesNothing()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN echo fine\n# a comment\nRUN echo about to fail; echo oops >&2; exit 3\n"));

        var error = Assert.ThrowsAsync<BuildStepFailedException>(() => BuildAsync(context));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.StartWith("Dockerfile:4: RUN echo about to fail"));
            Assert.That(error.ExitCode, Is.EqualTo(3));
            Assert.That(error.OutputTail, Is.EquivalentTo(new[] { "about to fail", "oops" }));
            Assert.That(await BuildRemainsAsync(), Is.Empty);
            Assert.That(Engine.Snapshotter.WalkAsync().ToBlockingEnumerable(), Is.Empty, "a failed build keeps no snapshot, not even its base's");
        });
    }

    [Test]
    public async Task Build_OfAMalformedDockerfile_GivesTheLineAndLeavesNothing()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN true\nCOPYY a b\n"));

        var error = Assert.ThrowsAsync<DockerfileParseException>(() => BuildAsync(context));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Location.Line, Is.EqualTo(3));
            Assert.That(error.Message, Does.StartWith("Dockerfile:3:"));
            Assert.That(await BuildRemainsAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task Copy_OfAMissingSource_NamesTheLine()
    {
        var context = Context(("Dockerfile", "FROM busybox\n\nCOPY missing.txt /\n"));

        var error = Assert.ThrowsAsync<NotFoundException>(() => BuildAsync(context));

        Assert.That(error!.Message, Does.StartWith("Dockerfile:3: COPY missing.txt /"));
    }

    [Test]
    public async Task Build_OfAnImageNotInTheStore_SaysToPullItFirst()
    {
        var context = Context(("Dockerfile", "FROM example.com/nothing:here\nRUN true\n"));

        var error = Assert.ThrowsAsync<NotFoundException>(() => BuildAsync(context));

        Assert.That(error!.Message, Does.Contain("Dockerfile:1").And.Contain("pull it first"));
    }

    [Test]
    public async Task Build_WithATarget_BuildsOnlyTheStagesItNeeds()
    {
        var context = Context(("Dockerfile", """
            FROM busybox AS base
            RUN echo base > /base.txt
            FROM busybox AS broken
            RUN exit 1
            FROM base AS wanted
            COPY --from=base /base.txt /copied.txt
            CMD ["cat", "/copied.txt"]
            FROM broken
            """));
        var recorder = new Recorder();

        var result = await BuildAsync(context, recorder, r => r with { Target = "wanted" });

        Assert.Multiple(async () =>
        {
            Assert.That((await RunImageAsync(result.Image)).Output, Is.EqualTo("base\n"));
            Assert.That(recorder.Events.Select(e => e.Stage).Distinct(), Is.EquivalentTo(new[] { "base", "wanted" }));
            Assert.That(recorder.Finished.Select(e => e.Step), Is.EqualTo(Enumerable.Range(1, 5)));
            Assert.That(recorder.Finished.All(e => e.StepCount == 5), Is.True);
        });
    }

    [Test]
    public async Task Build_OfIndependentStages_BuildsThemAtOnce_NumberingStepsInFileOrder()
    {
        var context = Context(("Dockerfile", """
            FROM busybox AS a
            RUN sleep 1; echo a > /a
            FROM busybox AS b
            RUN sleep 1; echo b > /b
            FROM busybox
            COPY --from=a /a /
            COPY --from=b /b /
            CMD ["cat", "/a", "/b"]
            """));
        var recorder = new Recorder();

        var result = await BuildAsync(context, recorder);

        var events = recorder.Events;
        int Index(BuildProgressKind kind, string stage, string keyword) =>
            events.FindIndex(e => e.Kind == kind && e.Stage == stage && e.Instruction.StartsWith(keyword, StringComparison.Ordinal));
        Assert.Multiple(async () =>
        {
            Assert.That((await RunImageAsync(result.Image)).Output, Is.EqualTo("a\nb\n"));
            Assert.That(Index(BuildProgressKind.StepStarted, "b", "RUN"), Is.LessThan(Index(BuildProgressKind.StepFinished, "a", "RUN")), "b's RUN started while a's ran");
            Assert.That(Index(BuildProgressKind.StepStarted, "a", "RUN"), Is.LessThan(Index(BuildProgressKind.StepFinished, "b", "RUN")), "a's RUN started while b's ran");
            Assert.That(recorder.Finished.Where(e => e.Stage == "b").Select(e => e.Step), Is.EqualTo(new[] { 3, 4 }));
            Assert.That(recorder.Finished.Select(e => e.Step).Order(), Is.EqualTo(Enumerable.Range(1, 8)));
        });
    }

    [Test]
    public async Task Build_WhenOneStageFails_StopsTheOthers_AndLeavesNothing()
    {
        var context = Context(("Dockerfile", """
            FROM busybox AS slow
            RUN sleep 60
            FROM busybox AS broken
            RUN exit 4
            FROM busybox
            COPY --from=slow /etc/passwd /a
            COPY --from=broken /etc/passwd /b
            """));

        var error = Assert.ThrowsAsync<BuildStepFailedException>(() => BuildAsync(context));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.ExitCode, Is.EqualTo(4));
            Assert.That(await BuildRemainsAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task RunHeredoc_WithAShebang_RunsAsAnExecutableScript()
    {
        var context = Context(("Dockerfile", "FROM busybox\nRUN <<EOF\n#!/bin/sh -e\necho \"run as $0\" > /script-path\nEOF\nCMD [\"cat\", \"/script-path\"]\n"));

        var result = await BuildAsync(context);

        Assert.Multiple(async () =>
        {
            Assert.That((await RunImageAsync(result.Image)).Output, Is.EqualTo("run as /dev/pipes/EOF\n"));
            Assert.That(await ImageFiles.EntriesAsync(result.Image.Layers[^1]), Is.EqualTo(new[] { "script-path" }));
        });
    }
}
