using System.Text;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Layers.Tar;

namespace Containers.Images.Tests.Engine;

/// <summary><c>docker cp</c> both ways, on running and stopped containers, and the attacks on it: symlinks in the container and ".." in the archive.</summary>
public sealed class ContainerCopyTests : EngineTest
{
    private readonly string _unique = $"cp-{Guid.NewGuid():N}";

    [TearDown]
    public void RemoveAnythingThatEscaped()
    {
        // Only there when a test failed; then it must not stay on the host.
        foreach (var path in new[] { "/" + _unique, "/tmp/" + _unique, $"/tmp/{_unique}.3" })
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    [Test]
    public async Task CopyIn_ThenOut_RoundTripsContentAndMode_OnACreatedAndAnExitedContainer()
    {
        var info = await Engine.CreateAsync(Spec("sh", "-c", "sh /tmp/app/run.sh; stat -c %a /tmp/app /tmp/app/run.sh /tmp/app/data.txt"));
        using (var tar = await TarAsync(Dir("app/", 0b111_101_000), FileEntry("app/run.sh", "echo hi\n", 0b111_101_101), FileEntry("app/data.txt", "data\n", 0b110_100_000)))
        {
            await Engine.CopyToAsync(info.Id, "/tmp", tar);
        }

        await Engine.StartAsync(info.Id);
        await Engine.WaitAsync(info.Id);
        var log = await LogTextAsync(info.Id, follow: true);
        var copied = await CopyFromAsync(info.Id, "/tmp/app");

        Assert.Multiple(() =>
        {
            Assert.That(log, Is.EqualTo("hi\n750\n755\n640\n"));
            Assert.That(copied.Select(e => (e.Entry.Name, e.Entry.Type, e.Entry.Mode & 0xfff, e.Content)), Is.EqualTo(new[]
            {
                ("app/", TarEntryType.Directory, 0b111_101_000, ""),
                ("app/data.txt", TarEntryType.RegularFile, 0b110_100_000, "data\n"),
                ("app/run.sh", TarEntryType.RegularFile, 0b111_101_101, "echo hi\n"),
            }));
        });
    }

    [Test]
    public async Task CopyFrom_AFileOrADirectorysContent_NamesEntriesAsDockerDoes()
    {
        var info = await Engine.CreateAsync(Spec("true"));

        var file = await CopyFromAsync(info.Id, "/etc/passwd");
        var content = await CopyFromAsync(info.Id, "/etc/.");
        var relative = await CopyFromAsync(info.Id, "etc/../etc/group");

        Assert.Multiple(() =>
        {
            Assert.That(file.Select(e => e.Entry.Name), Is.EqualTo(new[] { "passwd" }));
            Assert.That(file[0].Content, Does.StartWith("root:x:0:0:"));
            Assert.That(content[0].Entry.Name, Is.EqualTo("./"));
            Assert.That(content.Select(e => e.Entry.Name), Does.Contain("./passwd").And.Contain("./group"));
            Assert.That(relative.Select(e => e.Entry.Name), Is.EqualTo(new[] { "group" }));
            Assert.ThrowsAsync<NotFoundException>(() => Engine.CopyFromAsync(info.Id, "/no/such/file", Stream.Null));
        });
    }

    [Test]
    public async Task CopyTo_ThroughSymlinksInTheContainerPointingOut_StaysInside()
    {
        var info = await Engine.RunAsync(Spec("sleep", "60"));
        var links = await Engine.ExecAsync(info.Id, new ExecSpec(["sh", "-c", "ln -s / /escape && ln -s ../../../../../../../.. /up"]));

        using (var tar = await TarAsync(FileEntry(_unique, "one\n")))
        {
            await Engine.CopyToAsync(info.Id, "/escape", tar);
        }

        using (var tar = await TarAsync(FileEntry(_unique, "two\n")))
        {
            await Engine.CopyToAsync(info.Id, "/up/tmp", tar);
        }

        using (var tar = await TarAsync(FileEntry($"up/tmp/{_unique}.3", "three\n")))
        {
            await Engine.CopyToAsync(info.Id, "/", tar);
        }

        var seen = await Engine.ExecAsync(info.Id, new ExecSpec(["sh", "-c", $"cat /{_unique} /tmp/{_unique} /tmp/{_unique}.3"]));
        Assert.Multiple(() =>
        {
            Assert.That(links.ExitCode, Is.Zero, links.Stderr);
            Assert.That(seen.Stdout, Is.EqualTo("one\ntwo\nthree\n"), "each copy landed inside the container");
            Assert.That(File.Exists("/" + _unique), Is.False, "nothing reached the host's /");
            Assert.That(File.Exists("/tmp/" + _unique), Is.False, "nothing reached the host's /tmp");
            Assert.That(File.Exists($"/tmp/{_unique}.3"), Is.False, "nothing reached the host's /tmp through a link in the archive's path");
        });
    }

    [Test]
    public async Task CopyTo_AnArchiveClimbingOutWithDotDot_IsRefused_AndItsOwnSymlinksResolveInside()
    {
        var info = await Engine.CreateAsync(Spec("true"));
        var rootfs = Path.Combine(Root, "containers", info.Id, "rootfs");

        Exception? climbing;
        using (var tar = await TarAsync(FileEntry($"../../../../../../../tmp/{_unique}", "out\n")))
        {
            climbing = Assert.CatchAsync(() => Engine.CopyToAsync(info.Id, "/tmp", tar));
        }

        using (var tar = await TarAsync(Link("hostroot", "/"), FileEntry($"hostroot/tmp/{_unique}", "in\n")))
        {
            await Engine.CopyToAsync(info.Id, "/", tar);
        }

        Assert.Multiple(() =>
        {
            Assert.That(climbing, Is.InstanceOf<InvalidArgumentException>());
            Assert.That(climbing!.Message, Does.Contain("escapes the root"));
            Assert.That(File.Exists("/tmp/" + _unique), Is.False, "the host is unchanged");
            Assert.That(File.ReadAllText(Path.Combine(rootfs, "tmp", _unique)), Is.EqualTo("in\n"), "the archive's own absolute symlink led inside the container");
        });
    }

    [Test]
    public async Task CopyFrom_ThroughASymlinkPointingOut_ReadsTheContainersFile()
    {
        var info = await Engine.RunAsync(Spec("sleep", "60"));
        await Engine.ExecAsync(info.Id, new ExecSpec(["ln", "-s", "../../../../../../../..", "/up"]));

        var passwd = await CopyFromAsync(info.Id, "/up/etc/passwd");
        var link = await CopyFromAsync(info.Id, "/up");

        Assert.Multiple(() =>
        {
            Assert.That(passwd.Single().Content, Is.EqualTo("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n"), "the image's passwd, not the host's");
            Assert.That(link.Single().Entry.Type, Is.EqualTo(TarEntryType.SymbolicLink), "the link itself is archived, not followed");
        });
    }

    [Test]
    public async Task CopyTo_WhiteoutNames_AreOrdinaryFiles()
    {
        var info = await Engine.CreateAsync(Spec("true"));
        var etc = Path.Combine(Root, "containers", info.Id, "rootfs", "etc");

        using (var tar = await TarAsync(FileEntry(".wh.passwd", "not a whiteout\n"), FileEntry(".wh..wh..opq", "nor this\n")))
        {
            await Engine.CopyToAsync(info.Id, "/etc", tar);
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(etc, "passwd")), Is.True);
            Assert.That(File.Exists(Path.Combine(etc, "group")), Is.True);
            Assert.That(File.ReadAllText(Path.Combine(etc, ".wh.passwd")), Is.EqualTo("not a whiteout\n"));
            Assert.That(File.Exists(Path.Combine(etc, ".wh..wh..opq")), Is.True);
        });
    }

    [Test]
    public async Task CopyTo_AVolumesPath_LandsInTheVolume_AndCopyFromReadsIt()
    {
        var info = await Engine.CreateAsync(new ContainerRunSpec(Image) { Mounts = [VolumeMount.Parse("data:/data")], Cmd = ["true"] });

        using (var tar = await TarAsync(FileEntry("sub/file", "in the volume\n")))
        {
            await Engine.CopyToAsync(info.Id, "/data", tar);
        }

        var back = await CopyFromAsync(info.Id, "/data/sub/file");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(Root, "volumes", "data", "_data", "sub", "file")), Is.EqualTo("in the volume\n"));
            Assert.That(Directory.Exists(Path.Combine(Root, "containers", info.Id, "rootfs", "data", "sub")), Is.False);
            Assert.That(back.Single().Content, Is.EqualTo("in the volume\n"));
        });
    }

    [Test]
    public async Task CopyTo_AReadOnlyRootfsOrMount_OrAMissingOrNonDirectoryPath_IsRefused()
    {
        var readOnlyRoot = await Engine.CreateAsync(new ContainerRunSpec(Image) { ReadOnlyRootfs = true, Cmd = ["true"] });
        var readOnlyVolume = await Engine.CreateAsync(new ContainerRunSpec(Image) { Mounts = [VolumeMount.Parse("ro:/data:ro")], Cmd = ["true"] });

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<FailedPreconditionException>(async () => await Engine.CopyToAsync(readOnlyRoot.Id, "/tmp", await TarAsync(FileEntry("f", "x"))));
            Assert.ThrowsAsync<FailedPreconditionException>(async () => await Engine.CopyToAsync(readOnlyVolume.Id, "/data", await TarAsync(FileEntry("f", "x"))));
            Assert.ThrowsAsync<NotFoundException>(async () => await Engine.CopyToAsync(readOnlyVolume.Id, "/no/such/dir", await TarAsync(FileEntry("f", "x"))));
            Assert.ThrowsAsync<InvalidArgumentException>(async () => await Engine.CopyToAsync(readOnlyVolume.Id, "/etc/passwd", await TarAsync(FileEntry("f", "x"))));
        });
    }

    private async Task<List<(TarEntry Entry, string Content)>> CopyFromAsync(string id, string path)
    {
        using var archive = new MemoryStream();
        await Engine.CopyFromAsync(id, path, archive);
        archive.Position = 0;
        var entries = new List<(TarEntry, string)>();
        await using var reader = new TarReader(archive);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            using var content = new MemoryStream();
            await reader.CopyDataToAsync(content);
            entries.Add((entry, Encoding.UTF8.GetString(content.ToArray())));
        }

        return entries;
    }

    private static async Task<MemoryStream> TarAsync(params (TarEntry Entry, string? Content)[] entries)
    {
        var stream = new MemoryStream();
        await using (var writer = new TarWriter(stream, leaveOpen: true))
        {
            foreach (var (entry, content) in entries)
            {
                var bytes = content is null ? null : Encoding.UTF8.GetBytes(content);
                await writer.WriteEntryAsync(entry with { Size = bytes?.Length ?? 0 }, bytes is null ? null : new MemoryStream(bytes));
            }

            await writer.CompleteAsync();
        }

        stream.Position = 0;
        return stream;
    }

    private static (TarEntry, string?) Dir(string name, int mode) => (new TarEntry { Name = name, Type = TarEntryType.Directory, Mode = mode }, null);

    private static (TarEntry, string?) FileEntry(string name, string content, int mode = 0b110_100_100) => (new TarEntry { Name = name, Type = TarEntryType.RegularFile, Mode = mode }, content);

    private static (TarEntry, string?) Link(string name, string target) => (new TarEntry { Name = name, Type = TarEntryType.SymbolicLink, Mode = 0b111_111_111, LinkName = target }, null);
}
