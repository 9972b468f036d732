using System.Formats.Tar;
using Containers.Images.Layers;
using Containers.Images.Snapshots;

namespace Containers.Images.Tests.Snapshots;

/// <summary><see cref="SnapshotDiff"/> against every snapshotter: the layer an active snapshot's changes make.</summary>
public abstract partial class SnapshotterConformance
{
    [Test]
    public async Task SnapshotDiff_OfAnActiveSnapshotStillMounted_GivesItsAdditionsChangesAndDeletions()
    {
        var image = SnapshotTestLayers.Image(await Layers.LayerAsync(new Dictionary<string, string> { ["keep.txt"] = "keep", ["change.txt"] = "old", ["gone.txt"] = "gone", ["dir/a"] = "a" }));
        var top = (await new LayerUnpacker().UnpackAsync(image, Snapshotter)).ChainId.ToString();
        var target = MountNew(await Snapshotter.PrepareAsync("container", top));
        await File.WriteAllTextAsync(Path.Combine(target, "new.txt"), "new");
        await File.WriteAllTextAsync(Path.Combine(target, "change.txt"), "changed");
        File.Delete(Path.Combine(target, "gone.txt"));

        var (written, entries) = await DiffAsync("container");
        Unmount(target);

        Assert.Multiple(async () =>
        {
            Assert.That(entries.Keys, Is.EquivalentTo(new[] { ".wh.gone.txt", "change.txt", "new.txt" }));
            Assert.That(entries["change.txt"], Is.EqualTo("changed"));
            Assert.That(written.Entries, Is.EqualTo(3));
            Assert.That((await Snapshotter.WalkAsync().ToListAsync()).Select(s => s.Name), Has.None.StartsWith("diff-"), "the parent's view is removed");
            Assert.That(Directory.Exists(Path.Combine(Root, "scratch")) ? Directory.GetFileSystemEntries(Path.Combine(Root, "scratch")) : [], Is.Empty);
        });
    }

    [Test]
    public async Task SnapshotDiff_OfASnapshotWithoutParent_GivesItsWholeTree()
    {
        var target = MountNew(await Snapshotter.PrepareAsync("lone", null));
        Directory.CreateDirectory(Path.Combine(target, "etc"));
        await File.WriteAllTextAsync(Path.Combine(target, "etc", "hostname"), "box");

        var (_, entries) = await DiffAsync("lone");
        Unmount(target);

        Assert.That(entries.Keys, Is.EquivalentTo(new[] { "etc/", "etc/hostname" }));
    }

    private async Task<(WrittenLayer Written, Dictionary<string, string> Entries)> DiffAsync(string key)
    {
        using var layer = new MemoryStream();
        WrittenLayer written;
        await using (var writer = new LayerWriter(layer, new LayerWriterOptions { Compression = LayerCompression.None }, leaveOpen: true))
        {
            written = await SnapshotDiff.WriteAsync(Snapshotter, key, writer, Path.Combine(Root, "scratch"));
        }

        layer.Position = 0;
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = new TarReader(layer);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            entries[entry.Name] = entry.DataStream is { } data ? await new StreamReader(data).ReadToEndAsync() : string.Empty;
        }

        return (written, entries);
    }
}
