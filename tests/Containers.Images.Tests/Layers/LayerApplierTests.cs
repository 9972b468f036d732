using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Layers.Tar;
using Containers.Images.Tests.Layout;
using Containers.Linux;

namespace Containers.Images.Tests.Layers;

public sealed class LayerApplierTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("layer-apply-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static async Task<MemoryStream> TarAsync(params (TarEntry Entry, byte[]? Data)[] entries)
    {
        var output = new MemoryStream();
        await using (var writer = new TarWriter(output, leaveOpen: true))
        {
            foreach (var (entry, data) in entries)
            {
                await writer.WriteEntryAsync(entry with { Size = data?.Length ?? 0 }, data is null ? null : new MemoryStream(data));
            }

            await writer.CompleteAsync();
        }

        output.Position = 0;
        return output;
    }

    private static (TarEntry, byte[]?) Dir(string name, int mode = 0x1ed) => (new TarEntry { Name = name, Type = TarEntryType.Directory, Mode = mode }, null);

    private static (TarEntry, byte[]?) File(string name, string content, int mode = 0x1a4) => (new TarEntry { Name = name, Type = TarEntryType.RegularFile, Mode = mode }, System.Text.Encoding.UTF8.GetBytes(content));

    private static (TarEntry, byte[]?) Link(string name, string target) => (new TarEntry { Name = name, Type = TarEntryType.SymbolicLink, Mode = 0x1ff, LinkName = target }, null);

    private static (TarEntry, byte[]?) Hard(string name, string target) => (new TarEntry { Name = name, Type = TarEntryType.HardLink, LinkName = target }, null);

    private static (TarEntry, byte[]?) Empty(string name) => (new TarEntry { Name = name, Type = TarEntryType.RegularFile, Mode = 0x1a4 }, null);

    [Test]
    public async Task Apply_GnuTarOfATree_RecreatesIt()
    {
        var source = Directory.CreateDirectory(Path.Combine(_dir, "source")).FullName;
        Directory.CreateDirectory(Path.Combine(source, "a/b"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(source, "a/b/file"), "content");
        System.IO.File.CreateSymbolicLink(Path.Combine(source, "a/link"), "/a/b/file");
        var tar = Path.Combine(_dir, "layer.tar.gz");
        await ProcessRunner.RunAsync("/usr/bin/tar", "-C", source, "-czf", tar, ".");
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;

        await using var stream = System.IO.File.OpenRead(tar);
        var result = await LayerApplier.ApplyAsync(stream, root);

        Assert.That(await System.IO.File.ReadAllTextAsync(Path.Combine(root, "a/b/file")), Is.EqualTo("content"));
        Assert.That(new FileInfo(Path.Combine(root, "a/link")).LinkTarget, Is.EqualTo("/a/b/file"));
        Assert.That(result.Entries, Is.EqualTo(5));
    }

    [Test]
    public async Task Apply_Whiteouts_RemoveOnlyLowerPaths()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        await LayerApplier.ApplyAsync(await TarAsync(Dir("d/"), File("d/old", "1"), File("d/keep", "2"), File("gone", "3"), Dir("o/"), File("o/lower", "4"), Dir("o/sub/"), File("o/sub/deep", "5")), root);

        await LayerApplier.ApplyAsync(await TarAsync(File("o/new", "6"), Dir("o/sub/"), File("o/sub/fresh", "7"), Empty("d/.wh.old"), Empty(".wh.gone"), File("x", "8"), Empty(".wh.x"), Empty("o/.wh..wh..opq")), root);

        Assert.Multiple(() =>
        {
            Assert.That(Path.Exists(Path.Combine(root, "d/old")), Is.False);
            Assert.That(Path.Exists(Path.Combine(root, "d/keep")), Is.True);
            Assert.That(Path.Exists(Path.Combine(root, "gone")), Is.False);
            Assert.That(Path.Exists(Path.Combine(root, "x")), Is.True, "a whiteout does not remove what its own layer adds");
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(root, "o")).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "new", "sub" }));
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(root, "o/sub")).Select(Path.GetFileName), Is.EqualTo(new[] { "fresh" }));
        });
    }

    [Test]
    public async Task Apply_ChangesInsideUnlistedLowerDirectories_KeepTheirTimes()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        var then = new UnixTime(1_600_000_000, 123_456_789);
        (TarEntry, byte[]?) Dated((TarEntry Entry, byte[]? Data) e) => (e.Entry with { ModificationTime = then }, e.Data);
        await LayerApplier.ApplyAsync(await TarAsync(Dated(Dir("added/")), Dated(Dir("removed/")), Dated(File("removed/old", "1")), Dated(Dir("opaque/")), Dated(File("opaque/old", "2")), Dated(Dir("listed/")), Dated(File("listed/old", "3"))), root);

        var listed = new UnixTime(1_700_000_000, 5);
        await LayerApplier.ApplyAsync(await TarAsync(File("added/new", "4"), File("added/sub/deeper", "5"), Empty("removed/.wh.old"), Empty("opaque/.wh..wh..opq"), Empty("listed/.wh.old"), (new TarEntry { Name = "listed/", Type = TarEntryType.Directory, Mode = 0x1ed, ModificationTime = listed }, null)), root);

        Assert.Multiple(() =>
        {
            foreach (var directory in new[] { "added", "removed", "opaque" })
            {
                Assert.That(PosixFs.StatAt(null, Path.Combine(root, directory)).MTime, Is.EqualTo((then.Seconds, then.Nanoseconds)), directory);
            }

            Assert.That(PosixFs.StatAt(null, Path.Combine(root, "listed")).MTime, Is.EqualTo((listed.Seconds, listed.Nanoseconds)), "a directory the layer lists takes the layer's time");
            Assert.That(Path.Exists(Path.Combine(root, "removed/old")) || Path.Exists(Path.Combine(root, "opaque/old")) || Path.Exists(Path.Combine(root, "listed/old")), Is.False);
            Assert.That(Path.Exists(Path.Combine(root, "added/sub/deeper")), Is.True);
        });
    }

    [Test]
    public async Task Apply_FileOverLowerDirectoryBelowTheRoot_ReplacesTheDirectory()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        await LayerApplier.ApplyAsync(await TarAsync(Dir("usr/"), Dir("usr/bin/"), File("usr/bin/tool", "1")), root);

        await LayerApplier.ApplyAsync(await TarAsync(File("usr/bin", "now a file"), File("usr/after", "2")), root);

        Assert.That(await System.IO.File.ReadAllTextAsync(Path.Combine(root, "usr/bin")), Is.EqualTo("now a file"));
        Assert.That(await System.IO.File.ReadAllTextAsync(Path.Combine(root, "usr/after")), Is.EqualTo("2"));
    }

    [Test]
    public async Task Apply_HardLinkInsideLayer_SharesTheInode()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        await LayerApplier.ApplyAsync(await TarAsync(File("a", "same"), Hard("b", "a")), root);

        System.IO.File.AppendAllText(Path.Combine(root, "a"), "!");
        Assert.That(await System.IO.File.ReadAllTextAsync(Path.Combine(root, "b")), Is.EqualTo("same!"));
    }

    [Test]
    public async Task Apply_WrongDiffId_IsRefused()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        var wrong = Digest.Compute("not this layer"u8);

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await LayerApplier.ApplyAsync(await TarAsync(File("a", "1")), root, wrong, subject: "layer sha256:abc"));
        Assert.That(error!.Message, Does.Contain("layer sha256:abc").And.Contain(wrong.ToString()));
    }

    [Test]
    public async Task Apply_AbsoluteSymlinkFromLowerLayer_ResolvesInsideRoot()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        var inside = outside.TrimStart('/');
        await LayerApplier.ApplyAsync(await TarAsync(Dir(inside + "/"), Link("escape", outside)), root);

        await LayerApplier.ApplyAsync(await TarAsync(File("escape/planted", "x")), root);

        Assert.That(Directory.EnumerateFileSystemEntries(outside), Is.Empty);
        Assert.That(System.IO.File.Exists(Path.Combine(root, inside, "planted")), Is.True);
    }

    [Test]
    public async Task Apply_SymlinkToMissingDirectory_IsRefusedNamingTheEntry()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        await LayerApplier.ApplyAsync(await TarAsync(Link("escape", outside)), root);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await LayerApplier.ApplyAsync(await TarAsync(File("escape/planted", "x")), root));

        Assert.That(error!.Message, Does.Contain("\"escape/planted\""));
        Assert.That(Directory.EnumerateFileSystemEntries(outside), Is.Empty);
    }

    [Test]
    public async Task Apply_CorruptGzip_FailsInsteadOfHanging()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        using var gz = new MemoryStream();
        await using (var zip = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await (await TarAsync(File("a", new string('x', 100_000)))).CopyToAsync(zip);
        }

        var bytes = gz.ToArray();
        bytes[bytes.Length / 2] ^= 0xff;
        bytes[(bytes.Length / 2) + 1] ^= 0xff;

        Assert.That(async () => await LayerApplier.ApplyAsync(new MemoryStream(bytes), root), Throws.InstanceOf<Exception>());
    }

    [Test]
    public async Task ApplyStack_ReportsEachLayer_AndPublishesTheRootfsWhole()
    {
        var layers = new List<ILayer>();
        foreach (var (name, tar) in new[] { ("one", await TarAsync(File("a", "1"))), ("two", await TarAsync(File("b", "2"), Empty(".wh.a"))) })
        {
            var path = Path.Combine(_dir, name);
            await System.IO.File.WriteAllBytesAsync(path, tar.ToArray());
            layers.Add(await TarballLayer.FromFileAsync(path));
        }

        var reports = new List<LayerApplyProgress>();
        var root = Path.Combine(_dir, "rootfs");
        await LayerApplier.ApplyStackAsync(layers, root, progress: new SyncProgress<LayerApplyProgress>(reports.Add));

        Assert.That(reports.Select(r => (r.Index, r.Count, r.Digest, r.Result.DiffId)), Is.EqualTo(layers.Select((l, i) => (i, 2, l.Digest, l.DiffId))));
        Assert.That(Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName), Is.EqualTo(new[] { "b" }));
        Assert.That(Directory.EnumerateDirectories(_dir, "rootfs.partial-*"), Is.Empty);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
