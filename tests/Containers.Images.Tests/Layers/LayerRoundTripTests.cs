using Containers.Images.Layers;

namespace Containers.Images.Tests.Layers;

public sealed class LayerRoundTripTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("layer-roundtrip-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    [TestCase(LayerCompression.None)]
    public async Task ApplyOfCreate_EqualsTheTree(LayerCompression compression)
    {
        var source = TestTrees.CreateRich(Path.Combine(_dir, "source"));
        var blob = Path.Combine(_dir, "layer");

        var written = await LayerWriter.CreateAsync(source, blob, new LayerWriterOptions { Compression = compression });
        var target = Directory.CreateDirectory(Path.Combine(_dir, "target")).FullName;
        await using (var stream = File.OpenRead(blob))
        {
            var applied = await LayerApplier.ApplyAsync(stream, target, written.DiffId);
            Assert.That(applied.Entries, Is.EqualTo(written.Entries));
        }

        var expected = TreeSnapshot.Take(source);
        var actual = TreeSnapshot.Take(target);
        Assert.That(actual, Is.EqualTo(expected), () => TreeSnapshot.Differences(expected, actual));
        Assert.That(written.MediaType, Is.EqualTo(MediaType.LayerFor(compression)));
        Assert.That(written.Size, Is.EqualTo(new FileInfo(blob).Length));
        Assert.That(written.Digest, Is.EqualTo(Digest.Compute(File.ReadAllBytes(blob))));
    }

    [Test]
    public async Task Reproducible_TwoRunsOverTheSameTree_GiveTheSameDigest()
    {
        var source = TestTrees.CreateRich(Path.Combine(_dir, "source"));
        var options = new LayerWriterOptions { Reproducible = true, SourceDateEpoch = new(1700000000, 0) };

        var first = await LayerWriter.CreateAsync(source, Path.Combine(_dir, "one"), options);
        File.SetLastWriteTimeUtc(Path.Combine(source, "etc/passwd"), DateTime.UtcNow);
        var second = await LayerWriter.CreateAsync(source, Path.Combine(_dir, "two"), options);

        Assert.That(second.Digest, Is.EqualTo(first.Digest));
        Assert.That(second.DiffId, Is.EqualTo(first.DiffId));
    }

    [Test]
    public async Task NonReproducible_KeepsMtimes_SoATouchChangesTheDigest()
    {
        var source = TestTrees.CreateRich(Path.Combine(_dir, "source"));

        var first = await LayerWriter.CreateAsync(source, Path.Combine(_dir, "one"));
        File.SetLastWriteTimeUtc(Path.Combine(source, "etc/passwd"), DateTime.UtcNow);
        var second = await LayerWriter.CreateAsync(source, Path.Combine(_dir, "two"));

        Assert.That(second.DiffId, Is.Not.EqualTo(first.DiffId));
    }
}
