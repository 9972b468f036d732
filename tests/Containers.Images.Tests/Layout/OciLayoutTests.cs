using Containers.Errors;
using Containers.Images.Layout;

namespace Containers.Images.Tests.Layout;

public sealed class OciLayoutTests : LayoutTestBase
{
    [Test]
    public async Task WrittenImage_ReadsBackWithEveryDigestVerified()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        var written = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        var descriptor = await written.WriteImageAsync(image, "v1");

        var layout = await OciLayout.OpenAsync(PathFor("layout"));
        var read = await layout.GetImageAsync("v1");

        Assert.Multiple(async () =>
        {
            Assert.That(descriptor.Digest, Is.EqualTo(image.Digest));
            Assert.That(read.Digest, Is.EqualTo(image.Digest));
            Assert.That(read.RawConfig.ToArray(), Is.EqualTo(image.RawConfig.ToArray()));
            Assert.That(read.Config.Config?.Cmd, Is.EqualTo(TestImages.Cmd));
            Assert.That(read.Layers.Select(l => l.DiffId), Is.EqualTo(image.Layers.Select(l => l.DiffId)));
            Assert.That(await ImageValidator.ValidateAsync(read, verifyLayers: true), Is.Empty);
            Assert.That(await TestImages.ReadFileAsync(read.Layers[0], TestImages.HelloPath), Is.EqualTo(TestImages.HelloContent));
        });
    }

    [Test]
    public async Task WrittenLayout_HoldsOnlyWhatTheSpecLaysOut()
    {
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(await TestImages.BuildAsync(NewDirectory("work")), "v1");

        var entries = Directory.EnumerateFileSystemEntries(layout.Path).Select(Path.GetFileName);

        Assert.That(entries, Is.EquivalentTo(new[] { "blobs", "index.json", "oci-layout" }));
    }

    [Test]
    public async Task ConcurrentWriters_OfDifferentTags_LoseNoTag()
    {
        var path = PathFor("layout");
        await OciLayout.OpenOrCreateAsync(path);
        var image = await TestImages.BuildAsync(NewDirectory("work"));

        // Separate OciLayout objects, as separate processes would have.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            await (await OciLayout.OpenAsync(path)).WriteImageAsync(image, $"t{i}"))));

        var tags = await (await OciLayout.OpenAsync(path)).ListTagsAsync();
        Assert.That(tags, Is.EquivalentTo(Enumerable.Range(0, 8).Select(i => $"t{i}")));
    }

    [Test]
    public async Task ListTags_NamesEveryTaggedImageInIndexOrder()
    {
        var work = NewDirectory("work");
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(await TestImages.BuildAsync(work, variant: "a"), "first");
        await layout.WriteImageAsync(await TestImages.BuildAsync(work, variant: "b"), "second");

        Assert.That(await layout.ListTagsAsync(), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public async Task WritingATagAgain_ReplacesTheImageItNamed()
    {
        var work = NewDirectory("work");
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(await TestImages.BuildAsync(work, variant: "a"), "latest");
        var newer = await TestImages.BuildAsync(work, variant: "b");
        await layout.WriteImageAsync(newer, "latest");

        var index = await layout.ReadIndexAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await layout.ListTagsAsync(), Is.EqualTo(new[] { "latest" }));
            Assert.That(index.Manifests, Has.Count.EqualTo(1));
            Assert.That((await layout.ResolveAsync("latest")).Digest, Is.EqualTo(newer.Digest));
        });
    }

    [Test]
    public async Task ResolvingAMissingTag_FailsListingTheTagsThereAre()
    {
        var work = NewDirectory("work");
        var layout = await OciLayout.OpenOrCreateAsync(PathFor("layout"));
        await layout.WriteImageAsync(await TestImages.BuildAsync(work, variant: "a"), "one");
        await layout.WriteImageAsync(await TestImages.BuildAsync(work, variant: "b"), "two");

        var error = Assert.ThrowsAsync<NotFoundException>(async () => await layout.ResolveAsync("three"));
        Assert.That(error.Message, Does.Contain("\"three\"").And.Contain("one").And.Contain("two"));
    }
}
