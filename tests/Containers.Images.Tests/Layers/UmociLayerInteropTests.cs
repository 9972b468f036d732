using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Layers.Tar;
using Containers.Images.Layout;
using Containers.Images.Tests.Layout;
using Containers.Linux;

namespace Containers.Images.Tests.Layers;

/// <summary>
/// Layers cross the border to umoci both ways: what umoci repacks, we apply to the tree umoci
/// itself unpacks; what we write, umoci unpacks to the tree we started from. The trees are
/// compared whole with <see cref="TreeSnapshot"/>: nothing is left out, times of directories and
/// symlinks included. The root directory is compared too where the layer lists it.
/// </summary>
public sealed class UmociLayerInteropTests
{
    private const string Umoci = "/usr/bin/umoci";
    private const string DeepDirectory = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";

    private static readonly Platform Platform = new() { OS = "linux", Architecture = "amd64" };

    private static readonly string DeepFile = $"{DeepDirectory}/{new string('e', 120)}/{new string('f', 200)}";

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        ProcessRunner.Require(Umoci);
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: umoci keeps ownership and makes device nodes only as root, and the trees compared carry both");
        }

        _dir = Directory.CreateTempSubdirectory("umoci-interop-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is null || !Directory.Exists(_dir))
        {
            return;
        }

        try
        {
            var leftovers = Directory.EnumerateFileSystemEntries(_dir, "*.partial-*", SearchOption.AllDirectories).ToList();
            Assert.That(leftovers, Is.Empty, "applying an image left its staging directory behind");
        }
        finally
        {
            // umoci's bundles hold root-owned files, device nodes and 0700 directories; as root this removes them all.
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Test]
    public async Task ALayerRepackedByUmoci_AppliesToTheTreeUmociUnpacks()
    {
        var layout = await WriteLayoutAsync(Mutate.AppendLayers(Image.Empty(Platform), await RichLayerAsync(LayerWriterOptions.Default)), "base");
        var bundle = PathFor("bundle");
        await RunUmociAsync("unpack", "--image", $"{layout.Path}:base", bundle);
        ChangeEverything(Path.Combine(bundle, "rootfs"));
        await RunUmociAsync("repack", "--image", $"{layout.Path}:changed", bundle);

        var image = await (await OciLayout.OpenAsync(layout.Path)).GetImageAsync("changed");
        var ours = PathFor("ours");
        var results = await LayerApplier.ApplyImageAsync(image, ours);
        var theirs = PathFor("theirs");
        await RunUmociAsync("unpack", "--image", $"{layout.Path}:changed", theirs);

        Assert.That(image.Layers, Has.Count.EqualTo(2), "umoci repack adds one layer on top of ours");
        var umociEntries = await EntryNamesAsync(image.Layers[1]);
        var deepParent = Path.GetDirectoryName(DeepFile)!;
        Assert.That(umociEntries, Does.Contain($"{deepParent}/.wh.{Path.GetFileName(DeepFile)}").And.Not.Contain($"{deepParent}/"), "umoci whites out the file without listing its unchanged directory");
        Assert.That(results.Select(r => r.DiffId), Is.EqualTo(image.Config.RootFs.DiffIds), "every layer hashes to the DiffID umoci wrote into the config");

        // Everything is compared, directory and symlink mtimes included. That holds for the
        // directory above because umoci's unpack, like our applier, puts back the times of a lower
        // directory that a layer changes without listing it; so the tree is the one umoci packed.
        AssertSameTree(Path.Combine(theirs, "rootfs"), ours);
        Assert.That(RootMetadata(ours), Is.EqualTo(RootMetadata(Path.Combine(theirs, "rootfs"))), "umoci's layer lists the root itself (\"./\")");
        Assert.Multiple(() =>
        {
            // The comparison above would also pass if neither side applied the changes; these show they did.
            Assert.That(Path.Exists(Path.Combine(ours, "usr/bin/su")), Is.False, "a deleted file is whited out");
            Assert.That(Path.Exists(Path.Combine(ours, "empty")), Is.False, "a deleted directory is whited out");
            Assert.That(Path.Exists(Path.Combine(ours, DeepFile)), Is.False, "a file deleted from an unlisted directory is whited out");
            Assert.That(File.ReadAllText(Path.Combine(ours, "opt/app/config")), Is.EqualTo("added after unpack\n"));
            Assert.That(Directory.Exists(Path.Combine(ours, "empty-file")), Is.True, "a file replaced by a directory");
            Assert.That(PosixFs.StatAt(null, Path.Combine(ours, "opt/app/config-link")).Links, Is.EqualTo(2));
            Assert.That(PosixFs.GetXattr(Path.Combine(ours, "usr/bin/tool"), "security.capability"), Is.Null, "a removed capability stays removed");
        });
    }

    [Test]
    public async Task AUmociLayer_WhoseDeclaredDiffIdIsWrong_IsRefusedAndLeavesNothing()
    {
        var layoutPath = PathFor("layout");
        await RunUmociAsync("init", "--layout", layoutPath);
        await RunUmociAsync("new", "--image", $"{layoutPath}:base");
        var bundle = PathFor("bundle");
        await RunUmociAsync("unpack", "--image", $"{layoutPath}:base", bundle);
        await File.WriteAllTextAsync(Path.Combine(bundle, "rootfs/greeting"), "from umoci\n");
        await RunUmociAsync("repack", "--image", $"{layoutPath}:v1", bundle);
        var image = await (await OciLayout.OpenAsync(layoutPath)).GetImageAsync("v1");
        var layer = image.Layers.Single();

        // The mistake a careless writer makes: the compressed digest where the DiffID belongs.
        var lying = new DeclaredDiffIdLayer(layer, layer.Digest);
        var forged = Image.FromParts(image.MediaType, image.Config with { RootFs = new RootFs { DiffIds = [layer.Digest] } }, [lying]);
        var root = PathFor("root");

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await LayerApplier.ApplyImageAsync(forged, root));
        Assert.That(error!.Message, Does.Contain(layer.DiffId.ToString()).And.Contain(layer.Digest.ToString()));
        Assert.That(Path.Exists(root), Is.False);

        var applied = await LayerApplier.ApplyImageAsync(image, PathFor("honest"));
        Assert.That(applied.Single().DiffId, Is.EqualTo(image.Config.RootFs.DiffIds.Single()));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(PathFor("honest"), "greeting")), Is.EqualTo("from umoci\n"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OurLayer_IsUnpackedByUmociToTheSourceTree(bool reproducible)
    {
        var epoch = new UnixTime(1_700_000_000, 0);
        var options = new LayerWriterOptions { Reproducible = reproducible, SourceDateEpoch = epoch };
        var source = TestTrees.CreateRich(PathFor("source"));

        // Nanoseconds that no microsecond or second rounding keeps, on each kind that has its own time.
        foreach (var (path, nanoseconds) in new[] { ("etc/passwd", 987_654_321u), ("usr/bin/sh", 1u), ("etc", 999_999_999u) })
        {
            var time = (1_650_000_000L, nanoseconds);
            PosixFs.SetTimesAt(null, Path.Combine(source, path), time, time);
        }

        var layer = await RichLayerAsync(options, source);
        var layout = await WriteLayoutAsync(Mutate.AppendLayers(Image.Empty(Platform), layer), "v1");

        var bundle = PathFor("bundle");
        await RunUmociAsync("unpack", "--image", $"{layout.Path}:v1", bundle);
        var rootfs = Path.Combine(bundle, "rootfs");

        if (!reproducible)
        {
            AssertSameTree(source, rootfs);
            return;
        }

        // Reproducible mode changes every mtime to the epoch and nothing else.
        var ours = PathFor("ours");
        await LayerApplier.ApplyImageAsync(await layout.GetImageAsync("v1"), ours);
        AssertSameTree(ours, rootfs);
        var expected = WithoutTimes(TreeSnapshot.Take(source));
        var actual = WithoutTimes(TreeSnapshot.Take(rootfs));
        Assert.That(actual, Is.EqualTo(expected), () => TreeSnapshot.Differences(expected, actual));
        Assert.That(TreeSnapshot.Take(rootfs).Values, Has.All.Contain($" mtime={epoch.Seconds}.000000000"));
    }

    [Test]
    public async Task OurWhiteouts_DeleteInUmociWhatTheyDeleteInOurApplier()
    {
        var lower = await RichLayerAsync(LayerWriterOptions.Default);
        var upper = Directory.CreateDirectory(PathFor("upper")).FullName;
        Directory.CreateDirectory(Path.Combine(upper, "usr/bin"));
        Directory.CreateDirectory(Path.Combine(upper, "etc"));
        await File.WriteAllTextAsync(Path.Combine(upper, "usr/bin/new-tool"), "new tool\n");
        await File.WriteAllTextAsync(Path.Combine(upper, "etc/added"), "added\n");
        await File.WriteAllTextAsync(Path.Combine(upper, "ünïcødé name"), "replaced\n");
        Directory.CreateDirectory(Path.Combine(upper, DeepDirectory));
        await File.WriteAllTextAsync(Path.Combine(upper, DeepDirectory, "new"), "added beside a lower directory\n");
        var blob = PathFor("upper.blob");
        await using (var writer = new LayerWriter(File.Create(blob)))
        {
            // An opaque whiteout before what its own layer adds to the directory ...
            await writer.AddPathAsync(upper, "usr");
            await writer.AddPathAsync(upper, "usr/bin");
            await writer.AddOpaqueWhiteoutAsync("usr/bin");
            await writer.AddPathAsync(upper, "usr/bin/new-tool");

            // ... and one after: the layer's own file must survive either way.
            await writer.AddPathAsync(upper, "etc");
            await writer.AddPathAsync(upper, "etc/added");
            await writer.AddOpaqueWhiteoutAsync("etc");

            // Whiteouts reach only lower layers, and one under a directory nobody has deletes nothing.
            await writer.AddWhiteoutAsync("etc/added");
            await writer.AddWhiteoutAsync("missing-parent/x");

            await writer.AddWhiteoutAsync(DeepFile);
            await writer.AddWhiteoutAsync("empty");
            await writer.AddWhiteoutAsync("relative");
            await writer.AddWhiteoutAsync("fifo");
            await writer.AddWhiteoutAsync("null");
            await writer.AddWhiteoutAsync("never-existed");
            await writer.AddPathAsync(upper, "ünïcødé name");

            // Neither the file's directory nor the deleted file's directory is an entry of this layer.
            await writer.AddPathAsync(upper, $"{DeepDirectory}/new");
            await writer.CompleteAsync();
        }

        var image = Mutate.AppendLayers(Image.Empty(Platform), lower, await TarballLayer.FromFileAsync(blob));
        var layout = await WriteLayoutAsync(image, "v1");
        var ours = PathFor("ours");
        await LayerApplier.ApplyImageAsync(await layout.GetImageAsync("v1"), ours);
        var bundle = PathFor("bundle");
        await RunUmociAsync("unpack", "--image", $"{layout.Path}:v1", bundle);
        var rootfs = Path.Combine(bundle, "rootfs");

        AssertSameTree(rootfs, ours);
        Assert.Multiple(() =>
        {
            Assert.That(Names(ours, "usr/bin"), Is.EqualTo(new[] { "new-tool" }));
            Assert.That(Names(ours, "etc"), Is.EqualTo(new[] { "added" }));
            Assert.That(Path.Exists(Path.Combine(ours, "missing-parent")), Is.False);
            Assert.That(Names(ours, string.Empty), Is.EqualTo(new[] { DeepDirectory, "empty-file", "etc", "usr", "ünïcødé name" }));
            Assert.That(Names(ours, Path.GetDirectoryName(DeepFile)!), Is.Empty);
            Assert.That(Names(ours, DeepDirectory), Is.EqualTo(new[] { Path.GetFileName(Path.GetDirectoryName(DeepFile))!, "new" }));
            Assert.That(File.ReadAllText(Path.Combine(ours, "ünïcødé name")), Is.EqualTo("replaced\n"));
        });
    }

    [Test]
    public async Task AnOpaqueWhiteoutOfADirectoryNoLayerHas_IsTheOneKnownDifference()
    {
        // The image spec says what an opaque whiteout hides, not whether its directory must exist.
        // umoci 0.4.7 makes nothing for it. We create the directory empty, as Docker does: moby's
        // createImpliedDirectories makes the parent of every entry, whiteouts included. Pinned here
        // so that a change on either side shows.
        var blob = PathFor("opaque.blob");
        await using (var writer = new LayerWriter(File.Create(blob)))
        {
            await writer.AddOpaqueWhiteoutAsync("brand-new");
            await writer.CompleteAsync();
        }

        var layout = await WriteLayoutAsync(Mutate.AppendLayers(Image.Empty(Platform), await RichLayerAsync(LayerWriterOptions.Default), await TarballLayer.FromFileAsync(blob)), "v1");
        var ours = PathFor("ours");
        await LayerApplier.ApplyImageAsync(await layout.GetImageAsync("v1"), ours);
        var bundle = PathFor("bundle");
        await RunUmociAsync("unpack", "--image", $"{layout.Path}:v1", bundle);

        Assert.That(Path.Exists(Path.Combine(bundle, "rootfs/brand-new")), Is.False, "umoci");
        Assert.That(Names(ours, "brand-new"), Is.Empty, "ours");
        var theirs = TreeSnapshot.Take(Path.Combine(bundle, "rootfs"));
        var withoutIt = TreeSnapshot.Take(ours);
        withoutIt.Remove("brand-new");
        Assert.That(withoutIt, Is.EqualTo(theirs), () => TreeSnapshot.Differences(theirs, withoutIt));
    }

    /// <summary>Everything a repack can carry: additions of every kind, deletions, kind changes, chmod, chown, xattrs and hard links.</summary>
    private static void ChangeEverything(string rootfs)
    {
        string At(string relative) => Path.Combine(rootfs, relative);

        Directory.CreateDirectory(At("opt/app"));
        File.WriteAllText(At("opt/app/config"), "added after unpack\n");
        PosixFs.ChangeOwnerAt(null, At("opt/app/config"), 1234, 5678);
        PosixFs.SetXattr(At("opt/app/config"), "user.origin", "repack"u8);
        PosixFs.LinkAt(null, At("opt/app/config"), null, At("opt/app/config-link"));
        PosixFs.MakeNodeAt(null, At("opt/app/pipe"), FileKind.Fifo, (UnixFileMode)0x180);
        PosixFs.MakeNodeAt(null, At("opt/app/zero"), FileKind.CharDevice, (UnixFileMode)0x1b6, 1, 5);
        File.CreateSymbolicLink(At("opt/current"), "app");
        File.CreateSymbolicLink(At("opt/passwd"), "/etc/passwd");

        File.Delete(At("usr/bin/su"));
        File.Delete(At("fifo"));
        Directory.Delete(At("empty"), recursive: true);

        // A deletion that leaves its directory's mtime as it was: umoci's mtree sees the directory
        // unchanged and writes only the whiteout, not the directory. That also happens whenever the
        // deletion falls in the same second as the directory's recorded mtime (umoci compares
        // tar_time, whole seconds); setting it back makes that case deterministic.
        var deepParent = At(Path.GetDirectoryName(DeepFile)!);
        var before = PosixFs.StatAt(null, deepParent).MTime;
        File.Delete(At(DeepFile));
        PosixFs.SetTimesAt(null, deepParent, before, before);

        File.Delete(At("empty-file"));
        Directory.CreateDirectory(At("empty-file"));
        File.WriteAllText(At("empty-file/inside"), "was a file\n");
        File.Delete(At("relative"));
        File.CreateSymbolicLink(At("relative"), "etc/passwd");

        File.SetUnixFileMode(At("usr/bin/tool"), (UnixFileMode)0x1c0);
        File.SetUnixFileMode(At("usr"), (UnixFileMode)0x1e8);
        PosixFs.ChangeOwnerAt(null, At("etc/passwd"), 0, 0);
        PosixFs.SetXattr(At("etc/passwd"), "user.comment", "changed"u8);
        PosixFs.SetXattr(At("etc"), "user.directory", [0x01, 0x02]);
        using (var tool = PosixFs.OpenAt(null, At("usr/bin/tool"), LibC.O_RDONLY))
        {
            PosixFs.RemoveXattr(tool, "security.capability");
        }

        File.WriteAllText(At("ünïcødé name"), "changed content\n");
    }

    private static async Task<List<string>> EntryNamesAsync(ILayer layer)
    {
        var names = new List<string>();
        await using var tar = await layer.OpenUncompressedAsync();
        await using var reader = new System.Formats.Tar.TarReader(tar);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private async Task<TarballLayer> RichLayerAsync(LayerWriterOptions options, string? source = null)
    {
        source ??= TestTrees.CreateRich(PathFor("source"));
        var blob = PathFor($"rich-{Guid.NewGuid():N}.blob");
        var written = await LayerWriter.CreateAsync(source, blob, options);
        var layer = await TarballLayer.FromFileAsync(blob);
        Assert.That((layer.Digest, layer.DiffId), Is.EqualTo((written.Digest, written.DiffId)), "the writer's one-pass digests match the blob");
        return layer;
    }

    private async Task<OciLayout> WriteLayoutAsync(IImage image, string tag)
    {
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(image, tag);
        return layout;
    }

    private static void AssertSameTree(string expectedRoot, string actualRoot)
    {
        var expected = TreeSnapshot.Take(expectedRoot);
        var actual = TreeSnapshot.Take(actualRoot);
        Assert.That(actual, Is.EqualTo(expected), () => TreeSnapshot.Differences(expected, actual));
    }

    private static string RootMetadata(string root)
    {
        var status = PosixFs.StatAt(null, root);
        return $"mode={Convert.ToString((int)status.Mode, 8)} owner={status.Uid}:{status.Gid} mtime={status.MTime.Seconds}.{status.MTime.Nanoseconds:D9}";
    }

    private static SortedDictionary<string, string> WithoutTimes(SortedDictionary<string, string> snapshot) =>
        new(snapshot.ToDictionary(p => p.Key, p => System.Text.RegularExpressions.Regex.Replace(p.Value, @" mtime=\d+\.\d{9}", string.Empty)), StringComparer.Ordinal);

    private static string[] Names(string root, string relative) =>
        [.. Directory.EnumerateFileSystemEntries(Path.Combine(root, relative)).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal)];

    private static Task<string> RunUmociAsync(params string[] arguments) => ProcessRunner.RunAsync(Umoci, arguments);

    private string PathFor(string name) => Path.Combine(_dir, name);

    /// <summary>A layer whose bytes are real but whose DiffID is whatever the caller declares.</summary>
    private sealed class DeclaredDiffIdLayer(ILayer inner, Digest diffId) : ILayer
    {
        public Digest Digest => inner.Digest;

        public Digest DiffId => diffId;

        public long Size => inner.Size;

        public MediaType MediaType => inner.MediaType;

        public ValueTask<Stream> OpenCompressedAsync(CancellationToken cancellationToken = default) => inner.OpenCompressedAsync(cancellationToken);

        public ValueTask<Stream> OpenUncompressedAsync(CancellationToken cancellationToken = default) => inner.OpenUncompressedAsync(cancellationToken);
    }
}
