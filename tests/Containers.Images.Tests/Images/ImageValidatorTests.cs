using Containers.Errors;
using Containers.Images.Layers;

namespace Containers.Images.Tests;

public sealed class ImageValidatorTests : TestImagesFixture
{
    [TestCase("application/vnd.oci.image.manifest.v1+json", LayerCompression.Gzip)]
    [TestCase("application/vnd.oci.image.manifest.v1+json", LayerCompression.Zstd)]
    [TestCase("application/vnd.oci.image.manifest.v1+json", LayerCompression.None)]
    [TestCase("application/vnd.docker.distribution.manifest.v2+json", LayerCompression.Gzip)]
    public async Task FreshlyBuiltImage_HasNoProblems(string manifestType, LayerCompression compression)
    {
        var mediaType = new MediaType(manifestType);
        var first = await Images.LayerAsync("a.txt", "first");
        var second = await Images.LayerAsync("b.txt", "second", compression);
        ILayer[] layers = mediaType.IsDocker
            ? [await TarballLayer.FromFileAsync(first.Path, docker: true), await TarballLayer.FromFileAsync(second.Path, docker: true)]
            : [first, second];
        var image = Mutate.AppendLayers(TestImages.Empty(mediaType), layers);
        image = Mutate.SetEnv(image, "PATH=/bin");
        image = Mutate.AddHistory(image, new HistoryEntry { CreatedBy = "ENV PATH=/bin" });

        var problems = await ImageValidator.ValidateAsync(image, verifyLayers: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(problems, Is.Empty);
            Assert.That(image.Manifest.Layers.Select(l => l.MediaType.IsDocker), Is.All.EqualTo(mediaType.IsDocker));
            Assert.That(image.Manifest.Config.MediaType.IsDocker, Is.EqualTo(mediaType.IsDocker));
            Assert.That(async () => await ImageValidator.ThrowIfInvalidAsync(image), Throws.Nothing);
        }
    }

    [Test]
    public async Task EmptyImage_HasNoProblems()
    {
        Assert.That(await ImageValidator.ValidateAsync(TestImages.Empty()), Is.Empty);
    }

    [Test]
    public async Task CorruptedLayerBlob_IsReportedNamingTheLayer()
    {
        var layer = await Images.LayerAsync("hello.txt", string.Concat(Enumerable.Repeat("hello, world\n", 200)));
        var image = Mutate.AppendLayers(TestImages.Empty(), layer);
        File.SetUnixFileMode(layer.Path, File.GetUnixFileMode(layer.Path) | UnixFileMode.UserWrite);
        await using (var blob = new FileStream(layer.Path, FileMode.Open, FileAccess.ReadWrite))
        {
            blob.Position = layer.Size / 2;
            var original = blob.ReadByte();
            blob.Position = layer.Size / 2;
            blob.WriteByte((byte)(original ^ 0xff));
        }

        var problems = await ImageValidator.ValidateAsync(image, verifyLayers: true);

        Assert.That(problems, Has.Exactly(1).StartsWith("layer 0").And.Contain(layer.Digest.ToShortString()));
    }

    // Larger than one read of the decompressor, so it meets the bad header before the digest is checked.
    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    public async Task LargeLayerWithACorruptHeader_IsReportedNotThrown(LayerCompression compression)
    {
        var random = new byte[1 << 20];
        new Random(42).NextBytes(random);
        var layer = await Images.LayerAsync("random.txt", Convert.ToBase64String(random), compression);
        var image = Mutate.AppendLayers(TestImages.Empty(), layer);
        File.SetUnixFileMode(layer.Path, File.GetUnixFileMode(layer.Path) | UnixFileMode.UserWrite);
        await using (var blob = new FileStream(layer.Path, FileMode.Open, FileAccess.ReadWrite))
        {
            blob.WriteByte(0);
        }

        var problems = await ImageValidator.ValidateAsync(image, verifyLayers: true);

        Assert.That(problems, Has.Exactly(1).StartsWith("layer 0").And.Contain(layer.Digest.ToShortString()));
    }

    [Test]
    public async Task CorruptedLayerBlob_IsNotReadWhenLayersAreNotVerified()
    {
        var layer = await Images.LayerAsync("hello.txt", "hello");
        var image = Mutate.AppendLayers(TestImages.Empty(), layer);
        File.Delete(layer.Path);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await ImageValidator.ValidateAsync(image, verifyLayers: false), Is.Empty);
            Assert.That(await ImageValidator.ValidateAsync(image, verifyLayers: true), Has.Exactly(1).Contains("layer 0").And.Contain("cannot be read"));
        }
    }

    [Test]
    public async Task ThrowIfInvalid_CorruptImage_ThrowsListingTheProblems()
    {
        var layer = await Images.LayerAsync("hello.txt", "hello");
        var image = Mutate.AppendLayers(TestImages.Empty(), layer);
        File.Delete(layer.Path);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await ImageValidator.ThrowIfInvalidAsync(image));

        Assert.That(error.Message, Does.StartWith($"image {image.Digest} is invalid: layer 0"));
    }

    [Test]
    public async Task ConfigWithAnExtraDiffId_IsReported()
    {
        var layer = await Images.LayerAsync("hello.txt", "hello");
        var config = TestImages.Config(layer.DiffId, Digest.Compute("not a layer"u8));
        var image = Image.FromParts(MediaType.OciManifest, config, [layer]);

        var problems = await ImageValidator.ValidateAsync(image, verifyLayers: true);

        Assert.That(problems, Is.EqualTo(new[] { "1 layers but 2 diff_ids in the config" }));
    }

    [Test]
    public async Task DockerLayerTypeInAnOciManifest_IsReported()
    {
        var layer = new MisreportingLayer(await Images.LayerAsync("hello.txt", "hello")) { MediaType = MediaType.DockerLayerGzip };
        var image = Mutate.AppendLayers(TestImages.Empty(), layer);

        var problems = await ImageValidator.ValidateAsync(image, verifyLayers: true);

        Assert.That(problems, Is.EqualTo(new[]
        {
            $"layer 0 media type \"{MediaType.DockerLayerGzip}\" mixes OCI and Docker with manifest type \"{MediaType.OciManifest}\"",
        }));
    }

    [Test]
    public async Task WrongDiffId_IsReportedWhenLayersAreVerified()
    {
        var real = await Images.LayerAsync("hello.txt", "hello");
        var lie = Digest.Compute("some other tar"u8);
        var image = Mutate.AppendLayers(TestImages.Empty(), new MisreportingLayer(real) { DiffId = lie });

        var problems = await ImageValidator.ValidateAsync(image, verifyLayers: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(problems, Is.EqualTo(new[]
            {
                $"layer 0 ({real.Digest.ToShortString()}) uncompresses to {real.DiffId}, not the DiffID {lie}",
            }));
            Assert.That(await ImageValidator.ValidateAsync(image, verifyLayers: false), Is.Empty);
        }
    }

    [Test]
    public async Task LayerDisagreeingWithTheConfigDiffId_IsReportedWithoutReadingIt()
    {
        var layer = await Images.LayerAsync("hello.txt", "hello");
        var other = Digest.Compute("other"u8);
        var image = Image.FromParts(MediaType.OciManifest, TestImages.Config(other), [layer]);

        var problems = await ImageValidator.ValidateAsync(image, verifyLayers: false);

        Assert.That(problems, Is.EqualTo(new[]
        {
            $"layer 0 DiffID {layer.DiffId.ToShortString()} disagrees with the config's {other.ToShortString()}",
        }));
    }

    [Test]
    public async Task HistoryCountingMoreLayersThanThereAre_IsReported()
    {
        var image = await Images.WithOneLayerAsync();
        var edited = Image.FromParts(image.MediaType, image.Config with
        {
            History = [.. image.Config.History!, new HistoryEntry { CreatedBy = "RUN make" }],
        }, image.Layers);

        var problems = await ImageValidator.ValidateAsync(edited, verifyLayers: false);

        Assert.That(problems, Is.EqualTo(new[] { "history has 2 entries that add a layer, but there are 1 layers" }));
    }
}
