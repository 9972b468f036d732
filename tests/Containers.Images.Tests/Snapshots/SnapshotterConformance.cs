using Containers.Errors;
using Containers.Images.Snapshots;
using Containers.Mounts;

namespace Containers.Images.Tests.Snapshots;

/// <summary>
/// What every snapshotter must do, run against each with real mounts (root only). Every test
/// unmounts what it mounted and deletes its root; teardown fails a test that left a mount.
/// </summary>
public abstract partial class SnapshotterConformance
{
    private readonly List<string> _targets = [];
    private int _nextTarget;

    protected string Root { get; private set; } = null!;

    private protected ISnapshotter Snapshotter { get; private set; } = null!;

    private protected SnapshotTestLayers Layers { get; private set; } = null!;

    [SetUp]
    public void SetUp()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: mounts snapshots");
        }

        Root = Directory.CreateTempSubdirectory("snapshot-tests-").FullName;
        Snapshotter = Create(Path.Combine(Root, "store"));
        Layers = new SnapshotTestLayers(Path.Combine(Root, "layers"));
    }

    [TearDown]
    public void TearDown()
    {
        if (Root is null)
        {
            return;
        }

        foreach (var target in _targets)
        {
            SnapshotMounter.UnmountAll(target);
        }

        var leaked = MountsUnder(Root);
        Layers.Dispose();
        Directory.Delete(Root, recursive: true);
        Assert.That(leaked, Is.Empty, "mounts left under the test root");
    }

    [OneTimeTearDown]
    public void NoMountLeftBehind() =>
        Assert.That(MountInfo.ReadSelf().Where(entry => entry.MountPoint.Contains("snapshot-tests-", StringComparison.Ordinal) || entry.MountPoint.Contains("containers-unpack-", StringComparison.Ordinal)), Is.Empty);

    [Test]
    public async Task Prepare_WithoutParent_GivesAWritableTreeThatCommitTurnsIntoAParent()
    {
        var target = MountNew(await Snapshotter.PrepareAsync("first", null));
        await File.WriteAllTextAsync(Path.Combine(target, "hello.txt"), "hello");
        Unmount(target);
        await Snapshotter.CommitAsync("base", "first");

        var child = MountNew(await Snapshotter.PrepareAsync("child", "base"));
        Assert.Multiple(async () =>
        {
            Assert.That(await File.ReadAllTextAsync(Path.Combine(child, "hello.txt")), Is.EqualTo("hello"));
            Assert.That((await Snapshotter.StatAsync("base")).Kind, Is.EqualTo(SnapshotKind.Committed));
            Assert.That((await Snapshotter.StatAsync("child")).Parent, Is.EqualTo("base"));
            Assert.That(() => Snapshotter.StatAsync("first").AsTask(), Throws.InstanceOf<NotFoundException>());
        });
        Unmount(child);
    }

    [Test]
    public async Task Prepare_ExistingKeyMissingParentOrActiveParent_AreRefusedWithTypedErrors()
    {
        await Snapshotter.PrepareAsync("active", null);
        Assert.Multiple(() =>
        {
            Assert.That(() => Snapshotter.PrepareAsync("active", null).AsTask(), Throws.InstanceOf<AlreadyExistsException>());
            Assert.That(() => Snapshotter.PrepareAsync("x", "missing").AsTask(), Throws.InstanceOf<NotFoundException>().With.Message.Contains("missing"));
            Assert.That(() => Snapshotter.PrepareAsync("y", "active").AsTask(), Throws.InstanceOf<FailedPreconditionException>().With.Message.Contains("not committed"));
        });
        await Snapshotter.RemoveAsync("active");
    }

    [Test]
    public async Task Commit_ToAnExistingName_ThrowsAlreadyExistsAndLeavesTheActiveSnapshot()
    {
        await Snapshotter.PrepareAsync("a", null);
        await Snapshotter.CommitAsync("taken", "a");
        await Snapshotter.PrepareAsync("b", null);

        Assert.That(() => Snapshotter.CommitAsync("taken", "b").AsTask(), Throws.InstanceOf<AlreadyExistsException>());
        Assert.That((await Snapshotter.StatAsync("b")).Kind, Is.EqualTo(SnapshotKind.Active));
    }

    [Test]
    public async Task Remove_SnapshotWithAChild_ThrowsConflictNamingTheChild_AndChildrenFirstRemovesAll()
    {
        await Snapshotter.PrepareAsync("a", null);
        await Snapshotter.CommitAsync("parent", "a");
        await Snapshotter.PrepareAsync("kid", "parent");

        Assert.That(() => Snapshotter.RemoveAsync("parent").AsTask(), Throws.InstanceOf<ConflictException>().With.Message.Contains("\"kid\""));

        await Snapshotter.RemoveAsync("kid");
        await Snapshotter.RemoveAsync("parent");
        Assert.Multiple(async () =>
        {
            Assert.That(await Snapshotter.WalkAsync().ToListAsync(), Is.Empty);
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(Root, "store", "snapshots")), Is.Empty, "the files go with the snapshot");
        });
    }

    [Test]
    public async Task View_OfACommittedSnapshot_IsReadOnlyAndCannotBeCommitted()
    {
        var target = MountNew(await Snapshotter.PrepareAsync("a", null));
        await File.WriteAllTextAsync(Path.Combine(target, "file"), "x");
        Unmount(target);
        await Snapshotter.CommitAsync("base", "a");

        var view = MountNew(await Snapshotter.ViewAsync("view", "base"));
        Assert.Multiple(async () =>
        {
            Assert.That(await File.ReadAllTextAsync(Path.Combine(view, "file")), Is.EqualTo("x"));
            Assert.That(() => File.WriteAllText(Path.Combine(view, "new"), "y"), Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
            Assert.That((await Snapshotter.StatAsync("view")).Kind, Is.EqualTo(SnapshotKind.View));
            Assert.That(() => Snapshotter.CommitAsync("no", "view").AsTask(), Throws.InstanceOf<FailedPreconditionException>());
        });
        Unmount(view);
    }

    [Test]
    public async Task TwoActiveSnapshotsOnOneParent_DoNotSeeEachOthersWrites()
    {
        var image = SnapshotTestLayers.Image(await Layers.LayerAsync("etc/shared", "base"));
        var top = (await new LayerUnpacker().UnpackAsync(image, Snapshotter)).ChainId.ToString();

        var one = MountNew(await Snapshotter.PrepareAsync("container-1", top));
        var two = MountNew(await Snapshotter.PrepareAsync("container-2", top));
        await File.WriteAllTextAsync(Path.Combine(one, "etc/shared"), "changed by one");
        await File.WriteAllTextAsync(Path.Combine(one, "only-one"), "1");
        File.Delete(Path.Combine(two, "etc/shared"));

        Assert.Multiple(async () =>
        {
            Assert.That(File.Exists(Path.Combine(two, "only-one")), Is.False);
            Assert.That(File.Exists(Path.Combine(two, "etc/shared")), Is.False);
            Assert.That(await File.ReadAllTextAsync(Path.Combine(one, "etc/shared")), Is.EqualTo("changed by one"));
        });
        Unmount(one);
        Unmount(two);

        var fresh = MountNew(await Snapshotter.ViewAsync("fresh", top));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(fresh, "etc/shared")), Is.EqualTo("base"), "the committed parent never changes");
        Unmount(fresh);
    }

    [Test]
    public async Task Usage_GrowsWithWhatTheActiveSnapshotWrites()
    {
        var target = MountNew(await Snapshotter.PrepareAsync("a", null));
        var before = await Snapshotter.UsageAsync("a");
        await File.WriteAllBytesAsync(Path.Combine(target, "data"), new byte[10_000]);
        Unmount(target);
        var after = await Snapshotter.UsageAsync("a");

        Assert.Multiple(() =>
        {
            Assert.That(after.Size - before.Size, Is.EqualTo(10_000));
            Assert.That(after.Inodes - before.Inodes, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Prepare_AfterAPowerCutLostAnActiveSnapshotsRecord_GetsAFreshTreeNotTheOrphan()
    {
        var first = MountNew(await Snapshotter.PrepareAsync("first", null));
        await File.WriteAllTextAsync(Path.Combine(first, "base.txt"), "base");
        Unmount(first);
        await Snapshotter.CommitAsync("base", "first");
        var metadata = Path.Combine(Root, "store", "metadata.json");
        var durable = await File.ReadAllBytesAsync(metadata);
        var lost = MountNew(await Snapshotter.PrepareAsync("lost", "base"));
        await File.WriteAllTextAsync(Path.Combine(lost, "stale.txt"), "from before the cut");
        Unmount(lost);

        // Active snapshots are saved without fsync: a power cut may bring back the last durable file.
        await File.WriteAllBytesAsync(metadata, durable);
        var fresh = MountNew(await Snapshotter.PrepareAsync("fresh", "base"));

        Assert.Multiple(async () =>
        {
            Assert.That(File.Exists(Path.Combine(fresh, "stale.txt")), Is.False, "the orphan's files are not inherited");
            Assert.That(File.ReadAllText(Path.Combine(fresh, "base.txt")), Is.EqualTo("base"));
            Assert.That((await Snapshotter.WalkAsync().ToListAsync()).Select(info => info.Name).Order(), Is.EqualTo(new[] { "base", "fresh" }));
        });
        Unmount(fresh);
        await Snapshotter.RemoveAsync("fresh");
    }

    [Test]
    public async Task ActiveSnapshot_WhoseDirectoryIsDeletedBehindItsBack_IsRemovedCleanly()
    {
        if (Snapshotter is not ISnapshotDirectory directories)
        {
            Assert.Ignore($"{Snapshotter.Name} does not keep a snapshot in one directory");
            return;
        }

        var first = MountNew(await Snapshotter.PrepareAsync("first", null));
        await File.WriteAllTextAsync(Path.Combine(first, "hello.txt"), "hello");
        Unmount(first);
        await Snapshotter.CommitAsync("base", "first");
        var target = MountNew(await Snapshotter.PrepareAsync("active", "base"));
        await File.WriteAllTextAsync(Path.Combine(target, "written"), "by the container");
        var directory = await directories.DirectoryOfAsync("active");
        Unmount(target);

        // A shim removes it for an owner that died.
        Directory.Delete(directory, recursive: true);

        Assert.That(async () => await Snapshotter.UsageAsync("active"), Throws.InstanceOf<NotFoundException>());
        await Snapshotter.RemoveAsync("active");
        await Snapshotter.RemoveAsync("base");
        Assert.Multiple(async () =>
        {
            Assert.That(await Snapshotter.WalkAsync().ToListAsync(), Is.Empty);
            Assert.That(Directory.GetFileSystemEntries(Path.Combine(Root, "store", "snapshots")), Is.Empty);
            var links = Path.Combine(Root, "store", "l");
            Assert.That(Directory.Exists(links) ? Directory.GetFileSystemEntries(links) : [], Is.Empty, "no short link is left dangling");
        });
    }

    [Test]
    public async Task StatAndWalk_CarryLabelsAndKinds()
    {
        await Snapshotter.PrepareAsync("a", null, new Dictionary<string, string> { ["owner"] = "test" });
        await Snapshotter.CommitAsync("c", "a", new Dictionary<string, string> { ["layer"] = "0" });
        await Snapshotter.ViewAsync("v", "c");
        await Snapshotter.PrepareAsync("p", "c");

        var all = (await Snapshotter.WalkAsync().ToListAsync()).ToDictionary(info => info.Name);
        Assert.Multiple(() =>
        {
            Assert.That(all.Keys, Is.EquivalentTo(new[] { "c", "v", "p" }));
            Assert.That(all["c"].Labels, Is.EquivalentTo(new Dictionary<string, string> { ["owner"] = "test", ["layer"] = "0" }));
            Assert.That(all["v"].Kind, Is.EqualTo(SnapshotKind.View));
            Assert.That(all["p"].Kind, Is.EqualTo(SnapshotKind.Active));
        });
    }

    [Test]
    public async Task Unpack_ThreeLayersWithAWhiteoutAndAnOpaqueDirectory_GivesTheMergedTree()
    {
        var image = SnapshotTestLayers.Image(
            await Layers.LayerAsync(new Dictionary<string, string> { ["bin/sh"] = "shell", ["etc/old"] = "old", ["var/cache/a"] = "a", ["var/cache/b"] = "b" }),
            await Layers.LayerAsync(new Dictionary<string, string> { ["etc/new"] = "new" }, whiteouts: ["etc/old"]),
            await Layers.LayerAsync(new Dictionary<string, string> { ["var/cache/c"] = "c" }, opaque: ["var/cache"]));

        var result = await new LayerUnpacker().UnpackAsync(image, Snapshotter);
        var view = MountNew(await Snapshotter.ViewAsync("view", result.ChainId.ToString()));

        Assert.Multiple(() =>
        {
            Assert.That(result.LayersApplied, Is.EqualTo(3));
            Assert.That(Tree(view), Is.EqualTo(new[] { "bin/", "bin/sh", "etc/", "etc/new", "var/", "var/cache/", "var/cache/c" }));
            Assert.That(File.ReadAllText(Path.Combine(view, "bin/sh")), Is.EqualTo("shell"));
        });
        Unmount(view);
    }

    [Test]
    public async Task Unpack_TwoImagesSharingABase_AppliesTheBaseOnce()
    {
        var baseLayer = await Layers.LayerAsync("base", "b");
        var first = SnapshotTestLayers.Image(baseLayer, await Layers.LayerAsync("one", "1"));
        var second = SnapshotTestLayers.Image(baseLayer, await Layers.LayerAsync("two", "2"));
        var unpacker = new LayerUnpacker();

        var a = await unpacker.UnpackAsync(first, Snapshotter);
        var b = await unpacker.UnpackAsync(second, Snapshotter);
        var again = await unpacker.UnpackAsync(first, Snapshotter);

        Assert.Multiple(async () =>
        {
            Assert.That(a.LayersApplied, Is.EqualTo(2));
            Assert.That(b.LayersApplied, Is.EqualTo(1), "the base is reused");
            Assert.That(again.LayersApplied, Is.Zero);
            Assert.That(a.ChainIds[0], Is.EqualTo(b.ChainIds[0]));
            Assert.That(a.ChainIds[0], Is.EqualTo(baseLayer.DiffId), "ChainID(L0) is DiffID(L0)");
            Assert.That((await Snapshotter.WalkAsync().ToListAsync()).Select(info => info.Name), Is.EquivalentTo(new[] { a.ChainIds[0].ToString(), a.ChainId.ToString(), b.ChainId.ToString() }));
        });
    }

    [Test]
    public async Task Unpack_SameImageFromFourTasks_AppliesEachLayerOnce()
    {
        var image = SnapshotTestLayers.Image(await Layers.LayerAsync("a", "1"), await Layers.LayerAsync("b", "2"), await Layers.LayerAsync("c", "3"));
        var unpacker = new LayerUnpacker();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () => await unpacker.UnpackAsync(image, Snapshotter))));

        var snapshots = await Snapshotter.WalkAsync().ToListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(results.Sum(result => result.LayersApplied), Is.EqualTo(3));
            Assert.That(results.Select(result => result.ChainId).Distinct().Count(), Is.EqualTo(1));
            Assert.That(snapshots, Has.Count.EqualTo(3).And.All.Property(nameof(SnapshotInfo.Kind)).EqualTo(SnapshotKind.Committed), "no temporary snapshot is left");
        });
    }

    [Test]
    public async Task Unpack_FromTwoUnpackersAtOnce_CommitsEachLayerOnceAndDiscardsTheLoser()
    {
        // Two unpackers share no in-flight table, as two processes would not: the commit race decides.
        var image = SnapshotTestLayers.Image(await Layers.LayerAsync("a", "1"), await Layers.LayerAsync("b", "2"));

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () => await new LayerUnpacker().UnpackAsync(image, Snapshotter))));

        var snapshots = await Snapshotter.WalkAsync().ToListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(results.Sum(result => result.LayersApplied), Is.InRange(2, 4));
            Assert.That(snapshots.Select(info => info.Name), Is.EquivalentTo(results[0].ChainIds.Select(id => id.ToString())));
            Assert.That(Directory.EnumerateDirectories(Path.Combine(Root, "store", "snapshots")).Count(), Is.EqualTo(2), "the loser's copy is deleted");
        });
    }

    [Test]
    public async Task GarbageCollect_RemovesOnlyUnreferencedSnapshots_ChildrenFirst()
    {
        var baseLayer = await Layers.LayerAsync("base", "b");
        var unpacker = new LayerUnpacker();
        var kept = await unpacker.UnpackAsync(SnapshotTestLayers.Image(baseLayer, await Layers.LayerAsync("kept", "k")), Snapshotter);
        var gone = await unpacker.UnpackAsync(SnapshotTestLayers.Image(baseLayer, await Layers.LayerAsync("gone", "g"), await Layers.LayerAsync("gone2", "g")), Snapshotter);
        var running = await unpacker.UnpackAsync(SnapshotTestLayers.Image(await Layers.LayerAsync("container", "c")), Snapshotter);
        await Snapshotter.PrepareAsync("container", running.ChainId.ToString());

        var removed = await new SnapshotGarbageCollector(Snapshotter).CollectAsync(new HashSet<string> { kept.ChainId.ToString() });

        var left = (await Snapshotter.WalkAsync().ToListAsync()).Select(info => info.Name);
        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.EqualTo(new[] { gone.ChainIds[2].ToString(), gone.ChainIds[1].ToString() }), "children first");
            Assert.That(left, Is.EquivalentTo(new[] { kept.ChainIds[0].ToString(), kept.ChainId.ToString(), running.ChainId.ToString(), "container" }));
        });
    }

    private protected abstract ISnapshotter Create(string root);

    /// <summary>Performs <paramref name="mounts"/> on a new directory under the test root, unmounted at teardown at the latest.</summary>
    private protected string MountNew(IReadOnlyList<Mount> mounts)
    {
        var target = Directory.CreateDirectory(Path.Combine(Root, $"mnt-{++_nextTarget}")).FullName;
        _targets.Add(target);
        SnapshotMounter.MountAll(mounts, target);
        return target;
    }

    private protected static void Unmount(string target) => SnapshotMounter.UnmountAll(target);

    /// <summary>Every path under <paramref name="root"/>, directories with a trailing slash, sorted ordinally.</summary>
    private protected static List<string> Tree(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path) + (Directory.Exists(path) ? "/" : string.Empty))
            .Order(StringComparer.Ordinal)];

    private static List<string> MountsUnder(string root) =>
        [.. MountInfo.ReadSelf().Select(entry => entry.MountPoint).Where(point => point.StartsWith(root + "/", StringComparison.Ordinal))];
}
