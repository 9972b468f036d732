using System.Security.Cryptography;
using System.Text;
using Containers.Errors;
using Containers.Images.Layout;

namespace Containers.Images.Tests.Layout;

public sealed class OciArchiveTests : LayoutTestBase
{
    [Test]
    public async Task WrittenArchive_ExtractsToALayoutWithEveryDigestVerified()
    {
        var work = NewDirectory("work");
        var first = await TestImages.BuildAsync(work, variant: "a");
        var second = await TestImages.BuildAsync(work, variant: "b");
        await OciArchive.WriteAsync(PathFor("images.tar"), [(first, "first"), (second, "second")]);

        var layout = await OciArchive.ExtractAsync(PathFor("images.tar"), PathFor("layout"));
        var read = await layout.GetImageAsync("second");

        Assert.Multiple(async () =>
        {
            Assert.That(layout.Path, Is.EqualTo(PathFor("layout")));
            Assert.That(await layout.ListTagsAsync(), Is.EqualTo(new[] { "first", "second" }));
            Assert.That(read.Digest, Is.EqualTo(second.Digest));
            Assert.That(await ImageValidator.ValidateAsync(read, verifyLayers: true), Is.Empty);
            Assert.That(await ImageValidator.ValidateAsync(await layout.GetImageAsync("first"), verifyLayers: true), Is.Empty);
            Assert.That(Directory.Exists(Path.Combine(layout.Path, ".ingest")), Is.False, "the ingest directory is not part of the layout");
        });
    }

    [Test]
    public async Task WrittenArchive_HoldsEachBlobOnceAndOnlyLayoutFiles()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "one"), (image, "two")]);

        var names = await TarFiles.ListAsync(PathFor("image.tar"));
        var blobs = image.Layers.Select(l => l.Digest).Append(image.Manifest.Config.Digest).Append(image.Digest).Select(d => $"blobs/sha256/{d.Hex}");
        Assert.That(names, Is.EquivalentTo(new[] { "blobs/", "blobs/sha256/", "oci-layout", "index.json" }.Concat(blobs)));
    }

    [Test]
    public async Task GzipCompressedArchive_IsExtractedToo()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1")]);
        await TarFiles.GzipAsync(PathFor("image.tar"), PathFor("image.tar.gz"));

        var layout = await OciArchive.ExtractAsync(PathFor("image.tar.gz"), PathFor("layout"));

        Assert.That((await layout.GetImageAsync("v1")).Digest, Is.EqualTo(image.Digest));
    }

    [Test]
    public async Task ExtractingIntoANonEmptyDirectory_FailsAndLeavesItAlone()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1")]);
        var destination = NewDirectory("busy");
        await File.WriteAllTextAsync(Path.Combine(destination, "keep.txt"), "mine");

        var error = Assert.ThrowsAsync<AlreadyExistsException>(async () => await OciArchive.ExtractAsync(PathFor("image.tar"), destination));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(destination));
            Assert.That(Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName), Is.EqualTo(new[] { "keep.txt" }));
        });
    }

    [Test]
    public async Task ExtractingIntoAnEmptyDirectory_FillsIt()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1")]);

        var layout = await OciArchive.ExtractAsync(PathFor("image.tar"), NewDirectory("empty"));

        Assert.That((await layout.GetImageAsync("v1")).Digest, Is.EqualTo(image.Digest));
    }

    [Test]
    public async Task ABlobNamedBySha512_IsVerifiedAndKept()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1")]);
        var content = Encoding.UTF8.GetBytes("a blob named by its sha512 digest");
        var digest = Digest.Parse($"sha512:{Convert.ToHexStringLower(SHA512.HashData(content))}");
        await TarFiles.RewriteAsync(PathFor("image.tar"), PathFor("sha512.tar"), e => e, TarFiles.File($"blobs/sha512/{digest.Hex}", content));

        var layout = await OciArchive.ExtractAsync(PathFor("sha512.tar"), PathFor("layout"));

        Assert.That(await layout.Blobs.ExistsAsync(digest), Is.True);
    }

    [Test]
    public async Task AnArchiveMissingABlobTheIndexReaches_IsRefused()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1")]);
        var dropped = $"blobs/sha256/{image.Layers[1].Digest.Hex}";
        await TarFiles.RewriteAsync(PathFor("image.tar"), PathFor("incomplete.tar"), e => e.Name == dropped ? null : e);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await OciArchive.ExtractAsync(PathFor("incomplete.tar"), PathFor("layout")));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(image.Layers[1].Digest.ToString()).And.Contain("does not carry"));
            Assert.That(Directory.Exists(PathFor("layout")), Is.False);
        });
    }

    public static IEnumerable<TestCaseData> HostileEntries()
    {
        yield return new TestCaseData(TarFiles.File("../escape.txt", "x"), "escapes the archive").SetName("AnEntryWithDotDot_IsRefused");
        yield return new TestCaseData(TarFiles.File("blobs/../../escape.txt", "x"), "escapes the archive").SetName("AnEntryWithDotDotInside_IsRefused");
        yield return new TestCaseData(TarFiles.File("/etc/evil.conf", "x"), "absolute path").SetName("AnAbsoluteEntry_IsRefused");
        yield return new TestCaseData(TarFiles.Symlink("blobs/sha256/" + new string('a', 64), "/etc/passwd"), "symbolic link").SetName("ASymlinkEntry_IsRefused");
        yield return new TestCaseData(TarFiles.HardLink("blobs/sha256/" + new string('b', 64), "oci-layout"), "hard link").SetName("AHardLinkEntry_IsRefused");
        yield return new TestCaseData(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.CharacterDevice, "blobs/dev"), "character device").SetName("ADeviceEntry_IsRefused");
        yield return new TestCaseData(TarFiles.File("notes.txt", "hello"), "not part of an OCI image layout").SetName("AnUnknownFile_IsRefused");
        yield return new TestCaseData(TarFiles.File("blobs/sha256/not-a-digest", "hello"), "not part of an OCI image layout").SetName("ABlobNameThatIsNoDigest_IsRefused");
        yield return new TestCaseData(TarFiles.File("blobs/md5/" + new string('c', 32), "hello"), "not part of an OCI image layout").SetName("ABlobOfAnUnknownAlgorithm_IsRefused");
        yield return new TestCaseData(TarFiles.Directory("secrets/"), "not part of an OCI image layout").SetName("AnUnknownDirectory_IsRefused");
        yield return new TestCaseData(TarFiles.File("index.json", new string(' ', OciDocuments.MaxManifestSize + 1)), "over the limit").SetName("AnOversizedIndex_IsRefused");
        yield return new TestCaseData(TarFiles.File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"), "more than one oci-layout").SetName("ASecondMarker_IsRefused");
    }

    [TestCaseSource(nameof(HostileEntries))]
    public async Task HostileEntry(System.Formats.Tar.TarEntry hostile, string expected)
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1")]);
        var replacesIndex = hostile.Name == "index.json";
        await TarFiles.RewriteAsync(PathFor("image.tar"), PathFor("hostile.tar"), e => replacesIndex && e.Name == "index.json" ? null : e, hostile);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await OciArchive.ExtractAsync(PathFor("hostile.tar"), PathFor("layout")));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(expected));
            Assert.That(error.Message, Does.Contain(PathFor("hostile.tar")), "the message names the archive");
            Assert.That(error.Message, Does.Contain(hostile.Name), "the message names the entry");
            Assert.That(Directory.Exists(PathFor("layout")), Is.False, "nothing is left at the destination");
        });
    }

    [Test]
    public async Task ABlobWhoseBytesDoNotMatchItsName_IsRefused()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));
        await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1")]);
        var victim = $"blobs/sha256/{image.Layers[0].Digest.Hex}";
        await TarFiles.RewriteAsync(PathFor("image.tar"), PathFor("tampered.tar"), e => e.Name == victim ? TarFiles.File(victim, "not the layer") : e);

        var error = Assert.ThrowsAsync<DigestMismatchException>(async () => await OciArchive.ExtractAsync(PathFor("tampered.tar"), PathFor("layout")));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(victim).And.Contain(PathFor("tampered.tar")));
            Assert.That(Directory.Exists(PathFor("layout")), Is.False);
        });
    }

    [Test]
    public async Task AnArchiveWithoutIndex_IsRefused()
    {
        await TarFiles.WriteAsync(PathFor("bare.tar"), [TarFiles.File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")]);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await OciArchive.ExtractAsync(PathFor("bare.tar"), PathFor("layout")));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("no index.json"));
            Assert.That(Directory.Exists(PathFor("layout")), Is.False);
        });
    }

    [Test]
    public void AMissingArchive_IsNotFound()
    {
        var error = Assert.ThrowsAsync<NotFoundException>(async () => await OciArchive.ExtractAsync(PathFor("absent.tar"), PathFor("layout")));

        Assert.That(error.Message, Does.Contain(PathFor("absent.tar")));
    }

    [Test]
    public async Task WritingTheSameTagTwice_IsRefusedAndWritesNothing()
    {
        var image = await TestImages.BuildAsync(NewDirectory("work"));

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await OciArchive.WriteAsync(PathFor("image.tar"), [(image, "v1"), (image, "v1")]));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("\"v1\""));
            Assert.That(File.Exists(PathFor("image.tar")), Is.False);
        });
    }
}
