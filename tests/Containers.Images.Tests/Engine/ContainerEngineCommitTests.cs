using System.Formats.Tar;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Linux;
using Containers.Runtime;

namespace Containers.Images.Tests.Engine;

/// <summary>Commit, export and the images a container uses, end to end on real containers.</summary>
public sealed class ContainerEngineCommitTests : EngineTest
{
    private const string WriteAndDelete = "echo hi > /hello && /bin/busybox rm /bin/hostname";
    private const string Probe = "cat /hello; test -e /bin/hostname && echo present || echo absent";

    private LocalImages _images = null!;

    [SetUp]
    public void CreateImages() => _images = new LocalImages(Root, Engine);

    [Test]
    public async Task Commit_AContainersWritesAndDeletions_AreSeenByANewContainerOfTheCommittedImage()
    {
        var (status, _, info) = await RunToEndAsync(Spec("sh", "-c", WriteAndDelete) with { Env = ["STAGE=build"] });
        Assert.That(status.ExitCode, Is.Zero);

        var committed = await Engine.CommitAsync(info.Id, new CommitOptions { Author = "tester <t@example.com>", Message = "add hello", Changes = ["ENV MODE=test"] }, _images, ImageReference.Parse("committed:v1"));
        var (_, log, _) = await RunToEndAsync(new ContainerRunSpec(await _images.ResolveAsync("committed:v1")) { Cmd = ["sh", "-c", $"{Probe}; echo $STAGE $MODE"] });

        var history = committed.Config.History!;
        var config = committed.Config.Config!;
        Assert.Multiple(() =>
        {
            Assert.That(log, Is.EqualTo("hi\nabsent\nbuild test\n"), "the new container sees the write, not the deleted file, and the committed env");
            Assert.That(committed.Layers, Has.Count.EqualTo(Image.Layers.Count + 1));
            Assert.That(committed.Config.RootFs.DiffIds, Is.EqualTo(Image.Config.RootFs.DiffIds.Append(committed.Layers[^1].DiffId)));
            Assert.That(committed.Layers.Take(Image.Layers.Count).Select(l => l.DiffId), Is.EqualTo(Image.Layers.Select(l => l.DiffId)), "the image's layers are kept as they were");
            Assert.That(history, Has.Count.EqualTo(committed.Layers.Count));
            Assert.That(history[^1].CreatedBy, Is.EqualTo($"sh -c {WriteAndDelete}"), "Docker records the container's cmd");
            Assert.That(history[^1].Comment, Is.EqualTo("add hello"));
            Assert.That(history[^1].Author, Is.EqualTo("tester <t@example.com>"));
            Assert.That(history[^1].EmptyLayer, Is.Null);
            Assert.That(committed.Config.Author, Is.EqualTo("tester <t@example.com>"));
            Assert.That(config.Cmd, Is.EqualTo(new[] { "sh", "-c", WriteAndDelete }), "the container's config, as Docker commits it");
            Assert.That(config.Env, Is.EqualTo(new[] { "STAGE=build", "MODE=test" }));
        });
    }

    [Test]
    public async Task Commit_TheNewLayer_HoldsOnlyTheChangeWithAWhiteoutForTheDeletion()
    {
        var (_, _, info) = await RunToEndAsync(Spec("sh", "-c", WriteAndDelete));

        var committed = await Engine.CommitAsync(info.Id, new CommitOptions(), _images);

        var entries = new List<string>();
        await using (var reader = new TarReader(await committed.Layers[^1].OpenUncompressedAsync()))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                entries.Add(entry.Name);
            }
        }

        Assert.Multiple(async () =>
        {
            Assert.That(entries, Is.EquivalentTo(new[] { "bin/", "bin/.wh.hostname", "hello" }));
            Assert.That((await _images.ListAsync()).Single().Reference, Is.Null, "a commit without a tag is kept without a name");
        });
    }

    [Test]
    public async Task Commit_AfterTheEngineIsReopened_StartsFromTheStoredImageAndTheContainersConfig()
    {
        await _images.AddAsync(Image, ImageReference.Parse("busybox"));
        var (_, _, info) = await RunToEndAsync(new ContainerRunSpec(await _images.ResolveAsync("busybox")) { Cmd = ["sh", "-c", WriteAndDelete], WorkingDir = "/tmp" });
        await ReopenEngineAsync();
        _images = new LocalImages(Root, Engine);

        var committed = await Engine.CommitAsync(info.Name, new CommitOptions { Cmd = ["sh", "-c", Probe] }, _images, ImageReference.Parse("again"));
        var (_, log, _) = await RunToEndAsync(new ContainerRunSpec(committed));

        Assert.Multiple(() =>
        {
            Assert.That(log, Is.EqualTo("hi\nabsent\n"));
            Assert.That(committed.Config.Config!.WorkingDir, Is.EqualTo("/tmp"), "the run's working directory was recorded with the container");
        });
    }

    [Test]
    public async Task Commit_OfAContainerWhoseImageIsGone_SaysToBringTheImageBack()
    {
        var (_, _, info) = await RunToEndAsync(Spec("true"));
        await ReopenEngineAsync();

        var error = Assert.ThrowsAsync<FailedPreconditionException>(async () => await Engine.CommitAsync(info.Id, new CommitOptions(), new LocalImages(Root, Engine)));

        Assert.That(error!.Message, Does.Contain(Image.Digest.ToString()).And.Contain("load or pull it again"));
    }

    [Test]
    public async Task Commit_ARunningContainer_FreezesItWhileItsChangesAreReadAndThawsItAfter()
    {
        await using var recorded = await RecordingEngineAsync();
        var info = await recorded.Engine.RunAsync(Spec("sh", "-c", "echo hi > /hello; exec sleep 600"));
        await WaitForHelloAsync(recorded.Root, info.Id);

        await recorded.Engine.CommitAsync(info.Id, new CommitOptions(), _images, ImageReference.Parse("live"));
        var unpaused = await recorded.Engine.CommitAsync(info.Id, new CommitOptions { Pause = false }, _images, ImageReference.Parse("live2"));

        Assert.Multiple(async () =>
        {
            Assert.That(recorded.Runtime.Events, Is.EqualTo(new[] { "pause", "paused while diffing", "resume" }), "one freeze, for the first commit only");
            Assert.That((await recorded.Engine.InspectAsync(info.Id)).Status, Is.EqualTo(ContainerStatus.Running));
            Assert.That(unpaused.Layers, Has.Count.EqualTo(Image.Layers.Count + 1));
        });
    }

    [Test]
    public async Task Commit_ThatFailsWhileTheContainerIsFrozen_StillThawsIt()
    {
        await using var recorded = await RecordingEngineAsync();
        var info = await recorded.Engine.RunAsync(Spec("sh", "-c", "echo hi > /hello; exec sleep 600"));
        await WaitForHelloAsync(recorded.Root, info.Id);
        using var cancel = new CancellationTokenSource();
        recorded.Runtime.OnPaused = cancel.Cancel;

        Assert.CatchAsync<OperationCanceledException>(async () => await recorded.Engine.CommitAsync(info.Id, new CommitOptions(), _images, ImageReference.Parse("never"), cancel.Token));

        Assert.Multiple(async () =>
        {
            Assert.That(recorded.Runtime.Events, Is.EqualTo(new[] { "pause", "paused while diffing", "resume" }));
            Assert.That((await recorded.Engine.InspectAsync(info.Id)).Status, Is.EqualTo(ContainerStatus.Running));
            Assert.That(await _images.ListAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task Export_ThenImport_GivesAnImageWithTheContainersWholeFilesystem()
    {
        var (_, _, info) = await RunToEndAsync(Spec("sh", "-c", WriteAndDelete));
        var archive = Path.Combine(Root, "export.tar");
        await using (var file = File.Create(archive))
        {
            await Engine.ExportAsync(info.Id, file);
        }

        var imported = await _images.ImportAsync(archive, ImageReference.Parse("imported"), new ImportOptions { Changes = [$"CMD [\"sh\", \"-c\", \"{Probe}\"]"] });
        var (_, log, _) = await RunToEndAsync(new ContainerRunSpec(imported));
        var entries = await EntriesAsync(archive);

        Assert.Multiple(() =>
        {
            Assert.That(log, Is.EqualTo("hi\nabsent\n"));
            Assert.That(imported.Layers, Has.Count.EqualTo(1), "import flattens the export into one layer");
            Assert.That(entries, Does.Contain("bin/busybox").And.Contain("etc/passwd").And.Contain("hello").And.Not.Contain("bin/hostname"));
            Assert.That(entries.Where(e => e.StartsWith(".wh.", StringComparison.Ordinal) || e.Contains("/.wh.", StringComparison.Ordinal)), Is.Empty, "a merged tree has no whiteouts");
        });
    }

    [Test]
    public async Task Export_LeavesOutWhatIsMountedInsideTheRootfs()
    {
        var info = await Engine.RunAsync(Spec("sleep", "600"));
        var tmp = Path.Combine(Root, "containers", info.Id, "rootfs", "tmp");
        PosixFs.Mount("tmpfs", tmp, "tmpfs", 0);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(tmp, "mounted.txt"), "not part of the container's layers");
            using var tar = new MemoryStream();

            await Engine.ExportAsync(info.Id, tar);

            tar.Position = 0;
            var entries = await EntriesAsync(tar);
            Assert.Multiple(() =>
            {
                Assert.That(entries, Does.Contain("tmp/").And.Contain("bin/sh"));
                Assert.That(entries.Where(e => e.StartsWith("tmp/", StringComparison.Ordinal) && e != "tmp/"), Is.Empty, "what is mounted on tmp stays out");
                Assert.That(entries.Where(e => e.StartsWith("proc/", StringComparison.Ordinal) && e != "proc/"), Is.Empty);
            });
        }
        finally
        {
            PosixFs.Unmount(tmp, LibC.MNT_DETACH);
        }
    }

    [Test]
    public async Task RemoveImage_ThatAContainerUses_IsRefusedUntilTheContainerIsGone()
    {
        await _images.AddAsync(Image, ImageReference.Parse("busybox"));
        var info = await Engine.CreateAsync(new ContainerRunSpec(await _images.ResolveAsync("busybox")) { Cmd = ["true"] });

        var refused = Assert.ThrowsAsync<ConflictException>(async () => await _images.RemoveAsync("busybox"));
        await Engine.RemoveAsync(info.Id);
        var removal = await _images.RemoveAsync("busybox");

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain(info.Id[..12]));
            Assert.That(removal.Deleted, Does.Contain(Image.Digest));
        });
    }

    /// <summary>Waits until the container's shell has written /hello, as its rootfs on the host shows.</summary>
    private static async Task WaitForHelloAsync(string engineRoot, string id)
    {
        var path = Path.Combine(engineRoot, "containers", id, "rootfs", "hello");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!File.Exists(path))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<List<string>> EntriesAsync(string archive)
    {
        await using var file = File.OpenRead(archive);
        return await EntriesAsync(file);
    }

    private static async Task<List<string>> EntriesAsync(Stream archive)
    {
        var names = new List<string>();
        await using var reader = new TarReader(archive, leaveOpen: true);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    /// <summary>An engine of its own on a directory under the test's root, over the test's runtime, recording pause and resume.</summary>
    private async Task<RecordingEngine> RecordingEngineAsync()
    {
        await Task.Yield();
        var runtime = new RecordingRuntime(Runtime);
        var root = Path.Combine(Root, "recorded");
        return new RecordingEngine(new ContainerEngine(new EngineOptions { Root = root, DefaultNetwork = "none" }, runtime), runtime, root);
    }

    private sealed record RecordingEngine(ContainerEngine Engine, RecordingRuntime Runtime, string Root) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var container in await Engine.ListAsync())
            {
                await Engine.RemoveAsync(container.Id, force: true);
            }

            await Engine.DisposeAsync();
        }
    }
}
