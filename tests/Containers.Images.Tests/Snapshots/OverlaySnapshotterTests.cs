using Containers.Images.Snapshots;
using Containers.Images.Snapshots.Overlay;
using Containers.Linux;

namespace Containers.Images.Tests.Snapshots;

/// <summary>The overlay snapshotter against the shared conformance tests, and its overlay specifics.</summary>
public sealed class OverlaySnapshotterTests : SnapshotterConformance
{
    [Test]
    public async Task Unpack_IntoOverlay_LeavesTheLayersRemovalsAsOverlayWhiteoutsInItsUpperDirectory()
    {
        var image = SnapshotTestLayers.Image(
            await Layers.LayerAsync(new Dictionary<string, string> { ["etc/old"] = "old", ["var/cache/a"] = "a" }),
            await Layers.LayerAsync(new Dictionary<string, string> { ["var/cache/c"] = "c" }, whiteouts: ["etc/old"], opaque: ["var/cache"]));

        var result = await new LayerUnpacker().UnpackAsync(image, Snapshotter);

        var upper = Path.Combine(Root, "store", "l", OverlaySnapshotter.ShortId(2));
        Assert.Multiple(() =>
        {
            Assert.That(result.LayersApplied, Is.EqualTo(2));
            Assert.That(IsWhiteout(Path.Combine(upper, "etc/old")), Is.True, "a whiteout is a 0:0 device");
            // Applied through the mount, the opaque directory hides each lower child with a whiteout of its own.
            Assert.That(IsWhiteout(Path.Combine(upper, "var/cache/a")), Is.True, "the lower child is hidden");
            Assert.That(Tree(upper), Is.EqualTo(new[] { "etc/", "etc/old", "var/", "var/cache/", "var/cache/a", "var/cache/c" }), "the upper directory holds only the layer's changes");
        });
    }

    [Test]
    public async Task Prepare_On120Layers_MountsDespiteTheOnePageOptionLimit()
    {
        var layers = new List<ILayer>();
        for (var i = 0; i < 120; i++)
        {
            layers.Add(await Layers.LayerAsync($"layer-{i:D3}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var top = (await new LayerUnpacker().UnpackAsync(SnapshotTestLayers.Image([.. layers]), Snapshotter)).ChainId.ToString();
        var mounts = await Snapshotter.PrepareAsync("container", top);
        var target = MountNew(mounts);

        Assert.Multiple(async () =>
        {
            Assert.That(mounts[0].WorkingDirectory, Is.EqualTo(Path.Combine(Root, "store")), "absolute paths would not fit, so short links are used");
            Assert.That(mounts[0].Options.Single(option => option.StartsWith("lowerdir=", StringComparison.Ordinal)).Split(':'), Has.Length.EqualTo(120));
            Assert.That(Directory.GetFiles(target), Has.Length.EqualTo(120));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(target, "layer-000")), Is.EqualTo("0"));
        });
        await File.WriteAllTextAsync(Path.Combine(target, "written"), "by the container");
        Unmount(target);
        Assert.That(File.Exists(Path.Combine(Root, "store", "snapshots", "121", "fs", "written")), Is.True, "writes land in the upper directory");
    }

    [Test]
    public async Task Prepare_OnACommittedParent_ReturnsOneOverlayMountWithTheChainNearestFirst()
    {
        var image = SnapshotTestLayers.Image(await Layers.LayerAsync("a", "1"), await Layers.LayerAsync("b", "2"));
        await new LayerUnpacker().UnpackAsync(image, Snapshotter);
        var chain = ChainId.Compute([.. image.Layers.Select(layer => layer.DiffId)]);

        var mounts = await Snapshotter.PrepareAsync("c", chain[1].ToString());

        var store = Path.Combine(Root, "store", "snapshots");
        Assert.That(mounts, Has.Count.EqualTo(1));
        Assert.That(mounts[0].Type, Is.EqualTo("overlay"));
        Assert.That(mounts[0].Options, Is.EqualTo(new[] { $"workdir={store}/3/work", $"upperdir={store}/3/fs", $"lowerdir={store}/2/fs:{store}/1/fs" }));
    }

    private static bool IsWhiteout(string path) =>
        PosixFs.StatAt(null, path) is { Kind: FileKind.CharDevice, RDevMajor: 0, RDevMinor: 0 };

    private protected override ISnapshotter Create(string root) => new OverlaySnapshotter(root);
}
