using Containers.Images.Layers;
using Containers.Images.Registry;
using Containers.Images.Snapshots;

namespace Containers.Images.Tests.Registry;

/// <summary>A pull that unpacks its layers into snapshots while it downloads, as docker pull does.</summary>
public sealed class RegistryClientPullUnpackTests : RegistryClientTest
{
    private string _snapshots = null!;
    private ISnapshotter _snapshotter = null!;

    [SetUp]
    public void SetUpSnapshotter()
    {
        _snapshots = Directory.CreateTempSubdirectory("pull-unpack-").FullName;
        _snapshotter = SnapshotterSelector.Select(new SnapshotterOptions { Root = _snapshots });
    }

    [TearDown]
    public void RemoveSnapshots() => Directory.Delete(_snapshots, recursive: true);

    [Test]
    public async Task Pull_WithUnpackInto_LeavesEveryLayerACommittedSnapshot_SoTheFirstRunUnpacksNothing()
    {
        var layers = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            layers.Add(await TarOfAsync(("etc/layer" + i, $"layer {i}\n"), ("srv/shared", $"written by layer {i}\n")));
        }

        Registry.AddImage("team/app", "v1", TestRegistryImage.FromLayers(Platform.Current, MediaType.OciManifest, layers));

        var result = await Client.PullAsync(Images, Registry.Reference("team/app:v1"), new PullOptions { UnpackInto = _snapshotter });

        var chain = ChainId.Compute(result.Image.Config.RootFs.DiffIds);
        Assert.That(result.LayersUnpacked, Is.EqualTo(3));
        foreach (var chainId in chain)
        {
            Assert.That((await _snapshotter.StatAsync(chainId.ToString())).Kind, Is.EqualTo(SnapshotKind.Committed), $"snapshot {chainId}");
        }

        var run = await new LayerUnpacker().UnpackAsync(result.Image, _snapshotter);
        Assert.That(run.LayersApplied, Is.Zero, "what a run unpacks, the pull already did");
        Assert.That(run.ChainId, Is.EqualTo(chain[^1]));
        Assert.That(await ActiveSnapshotsAsync(), Is.Empty, "no half-applied layer is left");
    }

    [Test]
    public async Task Pull_WithUnpackInto_LayersThatAreNotTars_StillPulls_AndSaysItDidNotUnpack()
    {
        Registry.AddImage("app", "v1", 100, 200);

        var result = await Client.PullAsync(Images, Registry.Reference("app:v1"), new PullOptions { UnpackInto = _snapshotter });

        Assert.That(result.LayersUnpacked, Is.Null, "unpacking is best effort; the first run reports the bad layer");
        Assert.That((await Images.ResolveAsync(Registry.Reference("app:v1").ToString())).Digest, Is.EqualTo(result.Target.Digest));
        Assert.That(await ActiveSnapshotsAsync(), Is.Empty);
    }

    [Test]
    public async Task Pull_WithUnpackInto_ALayerThatNeverArrives_FailsThePull_AndLeavesNoSnapshotHalfDone()
    {
        var image = TestRegistryImage.FromLayers(Platform.Current, MediaType.OciManifest, [await TarOfAsync(("a", "a\n")), await TarOfAsync(("b", "b\n"))]);
        Registry.AddImage("app", "v1", image);
        var broken = image.Layers[1].Descriptor.Digest.ToString();
        Registry.Intercept = request => request.Path.EndsWith(broken, StringComparison.Ordinal) ? FakeResponse.Error(500, "UNKNOWN", "disk on fire") : null;

        Assert.That(async () => await Client.PullAsync(Images, Registry.Reference("app:v1"), new PullOptions { UnpackInto = _snapshotter }), Throws.Exception);

        Assert.That(await ActiveSnapshotsAsync(), Is.Empty, "the unpack stops with the pull, and discards what it had begun");
    }

    [Test]
    public async Task Pull_WithUnpackInto_AnImageOfAnotherPlatform_IsRefusedBeforeAnythingIsUnpacked()
    {
        var s390x = new Platform { OS = "linux", Architecture = "s390x" };
        Registry.AddImage("app", "v1", TestRegistryImage.FromLayers(s390x, MediaType.OciManifest, [await TarOfAsync(("a", "a\n"))]));

        Assert.That(
            async () => await Client.PullAsync(Images, Registry.Reference("app:v1"), new PullOptions { Platform = Platform.Current, UnpackInto = _snapshotter }),
            Throws.InstanceOf<Errors.NotFoundException>().With.Message.Contain("s390x"));

        var snapshots = 0;
        await foreach (var _ in _snapshotter.WalkAsync())
        {
            snapshots++;
        }

        Assert.That(snapshots, Is.Zero, "nothing of an image the pull refuses is unpacked");
    }

    private async Task<List<string>> ActiveSnapshotsAsync()
    {
        var active = new List<string>();
        await foreach (var info in _snapshotter.WalkAsync())
        {
            if (info.Kind != SnapshotKind.Committed)
            {
                active.Add(info.Name);
            }
        }

        return active;
    }

    private static async Task<byte[]> TarOfAsync(params (string Path, string Text)[] files)
    {
        var tree = Directory.CreateTempSubdirectory("pull-unpack-layer-").FullName;
        try
        {
            foreach (var (path, text) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(tree, path))!);
                await File.WriteAllTextAsync(Path.Combine(tree, path), text);
            }

            var output = new MemoryStream();
            await using (var writer = new LayerWriter(output, new LayerWriterOptions { Compression = LayerCompression.None }, leaveOpen: true))
            {
                await writer.AddTreeAsync(tree);
                await writer.CompleteAsync();
            }

            return output.ToArray();
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }
}
