using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Layers;

namespace Containers.Images.Tests.Engine;

/// <summary>Bind mounts, named and anonymous volumes, and filling a new volume from the image, end to end.</summary>
public sealed class ContainerVolumeTests : EngineTest
{
    private string _host = null!;

    [SetUp]
    public void MakeHostDirectory() => _host = Directory.CreateTempSubdirectory("engine-bind-").FullName;

    [TearDown]
    public void RemoveHostDirectory()
    {
        if (_host is not null && Directory.Exists(_host))
        {
            LayerApplier.DeleteTree(_host);
        }
    }

    [Test]
    public async Task Bind_ReadWrite_IsSeenAndWrittenInside()
    {
        await File.WriteAllTextAsync(Path.Combine(_host, "in"), "from host\n");

        var result = await RunToEndAsync(new ContainerRunSpec(Image)
        {
            Mounts = [VolumeMount.Parse($"{_host}:/mnt/host")],
            Cmd = ["sh", "-c", "cat /mnt/host/in; echo from container > /mnt/host/out"],
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status.ExitCode, Is.Zero);
            Assert.That(result.Log, Is.EqualTo("from host\n"));
            Assert.That(File.ReadAllText(Path.Combine(_host, "out")), Is.EqualTo("from container\n"));
        });
    }

    [Test]
    public async Task Bind_ReadOnly_IsSeenButCannotBeWritten()
    {
        await File.WriteAllTextAsync(Path.Combine(_host, "in"), "from host\n");

        var result = await RunToEndAsync(new ContainerRunSpec(Image)
        {
            Mounts = [VolumeMount.Parse($"{_host}:/mnt/host:ro")],
            Cmd = ["sh", "-c", "cat /mnt/host/in; touch /mnt/host/out 2>/dev/null && echo wrote || echo refused"],
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Log, Is.EqualTo("from host\nrefused\n"));
            Assert.That(File.Exists(Path.Combine(_host, "out")), Is.False);
        });
    }

    [Test]
    public async Task Bind_OfAFile_IsSeenAsThatFile()
    {
        var file = Path.Combine(_host, "config");
        await File.WriteAllTextAsync(file, "setting=1\n");

        var result = await RunToEndAsync(new ContainerRunSpec(Image) { Mounts = [VolumeMount.Parse($"{file}:/etc/app.conf:ro")], Cmd = ["cat", "/etc/app.conf"] });

        Assert.That(result.Log, Is.EqualTo("setting=1\n"));
    }

    [Test]
    public async Task Bind_OfAMissingHostDirectory_MakesIt_AsDashVDoes()
    {
        var source = Path.Combine(_host, "made", "by", "run");

        var result = await RunToEndAsync(new ContainerRunSpec(Image) { Mounts = [VolumeMount.Parse($"{source}:/data")], Cmd = ["touch", "/data/file"] });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status.ExitCode, Is.Zero);
            Assert.That(File.Exists(Path.Combine(source, "file")), Is.True);
        });
    }

    [Test]
    public async Task NamedVolume_SurvivesItsContainer_AndIsSeenByTheNext_AndCannotBeRemovedWhileUsed()
    {
        var first = await RunToEndAsync(new ContainerRunSpec(Image) { Mounts = [VolumeMount.Parse("shared:/data")], Cmd = ["sh", "-c", "echo kept > /data/file"] });
        await Engine.RemoveAsync(first.Info.Id);
        var afterFirst = await Engine.ListVolumesAsync();

        var second = await RunToEndAsync(new ContainerRunSpec(Image) { Mounts = [VolumeMount.Parse("shared:/data:ro")], Cmd = ["cat", "/data/file"] });
        var inUse = Assert.ThrowsAsync<ConflictException>(() => Engine.RemoveVolumeAsync("shared"));
        await Engine.RemoveAsync(second.Info.Id);
        await Engine.RemoveVolumeAsync("shared");

        Assert.Multiple(async () =>
        {
            Assert.That(afterFirst.Select(v => (v.Name, v.Anonymous)), Is.EqualTo(new[] { ("shared", false) }));
            Assert.That(afterFirst[0].Mountpoint, Is.EqualTo(Path.Combine(Root, "volumes", "shared", "_data")));
            Assert.That(second.Log, Is.EqualTo("kept\n"));
            Assert.That(inUse!.Message, Does.Contain(second.Info.Id[..12]));
            Assert.That(await Engine.ListVolumesAsync(), Is.Empty);
            Assert.That(Directory.Exists(Path.Combine(Root, "volumes", "shared")), Is.False);
            Assert.ThrowsAsync<NotFoundException>(() => Engine.RemoveVolumeAsync("shared"));
            Assert.DoesNotThrowAsync(() => Engine.RemoveVolumeAsync("shared", force: true));
        });
    }

    [Test]
    public async Task CreateVolume_IsListed_AndAgainReturnsTheSameVolume()
    {
        var made = await Engine.CreateVolumeAsync("made");
        var again = await Engine.CreateVolumeAsync("made");

        Assert.Multiple(async () =>
        {
            Assert.That(again, Is.EqualTo(made));
            Assert.That(Directory.Exists(made.Mountpoint), Is.True);
            Assert.That(await Engine.ListVolumesAsync(), Is.EqualTo(new[] { made }));
            Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateVolumeAsync("../escape"));
        });
    }

    [Test]
    public async Task NewVolume_IsFilledFromTheImageOnce_UnlessNoCopy()
    {
        var image = await ImageWithLayerAsync(tree =>
        {
            var app = Path.Combine(tree, "srv", "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "config.txt"), "from image\n");
            File.SetUnixFileMode(app, (UnixFileMode)0b111_101_000);
        });

        var first = await RunToEndAsync(new ContainerRunSpec(image)
        {
            Mounts = [VolumeMount.Parse("appdata:/srv/app")],
            Cmd = ["sh", "-c", "cat /srv/app/config.txt; stat -c %a /srv/app; echo changed > /srv/app/config.txt"],
        });
        var second = await RunToEndAsync(new ContainerRunSpec(image) { Mounts = [VolumeMount.Parse("appdata:/srv/app")], Cmd = ["cat", "/srv/app/config.txt"] });
        var noCopy = await RunToEndAsync(new ContainerRunSpec(image) { Mounts = [VolumeMount.Parse("empty:/srv/app:nocopy")], Cmd = ["ls", "-A", "/srv/app"] });

        Assert.Multiple(() =>
        {
            Assert.That(first.Log, Is.EqualTo("from image\n750\n"), "the content and the directory's mode came from the image");
            Assert.That(second.Log, Is.EqualTo("changed\n"), "a volume with content is not filled again");
            Assert.That(noCopy.Log, Is.Empty);
        });
    }

    [Test]
    public async Task ImageVolume_BecomesAnAnonymousVolume_RemovedWithAnAutoRemoveContainer_AndPrunedOtherwise()
    {
        var image = Mutate.WithContainerConfig(Image, config => config with { Volumes = new Dictionary<string, EmptyObject> { ["/cache/"] = new() } });

        var kept = await RunToEndAsync(new ContainerRunSpec(image) { Cmd = ["sh", "-c", "echo x > /cache/file"] });
        var anonymous = (await Engine.ListVolumesAsync()).Single();
        var mounts = (await Engine.InspectAsync(kept.Info.Id)).Mounts;

        // The wait is taken before the start: a quick auto-removed container can be gone before RunAsync returns.
        var auto = await Engine.CreateAsync(new ContainerRunSpec(image) { AutoRemove = true, Cmd = ["touch", "/cache/file"] });
        var exited = Engine.WaitAsync(auto.Id);
        await Engine.StartAsync(auto.Id);
        await exited;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await Engine.ListVolumesAsync()).Count > 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var afterAutoRemove = await Engine.ListVolumesAsync();
        await Engine.RemoveAsync(kept.Info.Id);
        var afterRemove = await Engine.ListVolumesAsync();
        var pruned = await Engine.PruneVolumesAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(anonymous.Anonymous, Is.True);
            Assert.That(anonymous.Name, Does.Match("^[0-9a-f]{64}$"));
            Assert.That(mounts, Is.EqualTo(new[] { new VolumeMount(VolumeMountKind.Volume, anonymous.Name, "/cache") }));
            Assert.That(afterAutoRemove, Is.EqualTo(new[] { anonymous }), "--rm took the auto-removed container's anonymous volume with it");
            Assert.That(afterRemove, Is.EqualTo(new[] { anonymous }), "a plain remove keeps the anonymous volume, as docker rm without -v does");
            Assert.That(pruned, Is.EqualTo(new[] { anonymous.Name }));
            Assert.That(await Engine.ListVolumesAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task MountTarget_ThroughASymlinkPointingOut_IsMadeAndMountedInsideTheRootfs()
    {
        var outside = Path.Combine(_host, "outside");
        var image = await ImageWithLayerAsync(tree => File.CreateSymbolicLink(Path.Combine(tree, "escape"), outside));

        var result = await RunToEndAsync(new ContainerRunSpec(image)
        {
            Mounts = [VolumeMount.Parse("target:/escape/data")],
            Cmd = ["sh", "-c", "echo inside > /escape/data/file; cat /escape/data/file"],
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Log, Is.EqualTo("inside\n"));
            Assert.That(Directory.Exists(outside), Is.False, "nothing was made on the host through the symlink");
            Assert.That(File.ReadAllText(Path.Combine(Root, "volumes", "target", "_data", "file")), Is.EqualTo("inside\n"));
        });
    }

    [Test]
    public void Create_WithTwoMountsOnOneTarget_IsAnInvalidArgument()
    {
        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => Engine.CreateAsync(new ContainerRunSpec(Image)
        {
            Mounts = [VolumeMount.Parse("one:/data"), VolumeMount.Parse($"{_host}:/data/")],
        }));

        Assert.That(error!.Message, Does.Contain("duplicate mount point \"/data\""));
    }
}
