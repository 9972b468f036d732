using System.Formats.Tar;
using System.IO.Compression;
using Containers.Errors;

namespace Containers.Images.Tests.Local;

public sealed class LocalImagesTests : TestImagesFixture
{
    private string _root = null!;
    private LocalImages _images = null!;

    [SetUp]
    public void CreateStore()
    {
        _root = Directory.CreateTempSubdirectory("local-images-").FullName;
        _images = new LocalImages(Path.Combine(_root, "store"));
    }

    [TearDown]
    public void RemoveStore()
    {
        var staged = Directory.Exists(_images.TemporaryDirectory) ? Directory.GetFileSystemEntries(_images.TemporaryDirectory) : [];
        Directory.Delete(_root, recursive: true);
        Assert.That(staged, Is.Empty, "an import, commit or load left staging files behind");
    }

    [Test]
    public async Task Resolve_ByShortOrFullNameIdOrIdPrefixOrDigest_FindsTheSameImage()
    {
        var image = await Images.WithOneLayerAsync();
        var descriptor = await _images.AddAsync(image, ImageReference.Parse("busybox"));
        var id = image.Manifest.Config.Digest;

        string[] references = ["busybox", "busybox:latest", "docker.io/library/busybox:latest", id.ToString(), id.Hex, id.Hex[..12], $"sha256:{id.Hex[..12]}", $"busybox@{descriptor.Digest}"];
        var found = new List<Digest>();
        foreach (var reference in references)
        {
            found.Add((await _images.ResolveAsync(reference)).Digest);
        }

        Assert.That(found, Is.All.EqualTo(image.Digest));
    }

    [Test]
    public async Task Resolve_Missing_SaysHowToGetTheImage()
    {
        await _images.AddAsync(await Images.WithOneLayerAsync(), ImageReference.Parse("busybox"));

        var byName = Assert.ThrowsAsync<NotFoundException>(async () => await _images.ResolveAsync("alpine"));
        var byId = Assert.ThrowsAsync<NotFoundException>(async () => await _images.ResolveAsync("sha256:0000"));
        var otherRepository = Assert.ThrowsAsync<NotFoundException>(async () => await _images.ResolveAsync($"alpine@{(await _images.ResolveAsync("busybox")).Digest}"));

        Assert.Multiple(() =>
        {
            Assert.That(byName!.Message, Does.Contain("\"alpine\" is not in the local store").And.Contain("pull").And.Contain("load").And.Contain("import").And.Contain("build"));
            Assert.That(byId, Is.Not.Null);
            Assert.That(otherRepository, Is.Not.Null, "a manifest digest finds an image only in its own repository");
            Assert.That(() => _images.ResolveAsync("no spaces allowed").AsTask(), Throws.InstanceOf<InvalidArgumentException>());
            Assert.That(() => _images.ResolveAsync("sha256:xyz1").AsTask(), Throws.InstanceOf<InvalidArgumentException>().With.Message.Contain("not an image ID"));
        });
    }

    [Test]
    public async Task Resolve_IdPrefixOfTwoImages_IsAnErrorListingBoth()
    {
        var layer = await Images.LayerAsync("a.txt", "a");
        var (first, second) = ImagesWithSharedIdPrefix(layer, 4);
        await _images.AddAsync(first, ImageReference.Parse("one"));
        await _images.AddAsync(second, ImageReference.Parse("two"));
        var prefix = first.Manifest.Config.Digest.Hex[..4];

        var error = Assert.ThrowsAsync<InvalidArgumentException>(async () => await _images.ResolveAsync(prefix));
        var longer = await _images.ResolveAsync(first.Manifest.Config.Digest.Hex[..20]);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("more than one image ID")
                .And.Contain(first.Manifest.Config.Digest.Hex[..12])
                .And.Contain(second.Manifest.Config.Digest.Hex[..12]));
            Assert.That(longer.Digest, Is.EqualTo(first.Digest));
        });
    }

    [Test]
    public async Task Remove_ANameTheImageHasOthersBesides_OnlyUntags()
    {
        var image = await Images.WithOneLayerAsync();
        await _images.AddAsync(image, ImageReference.Parse("busybox"));
        await _images.TagAsync("busybox", "mybox:v1");

        var removal = await _images.RemoveAsync("mybox:v1");

        Assert.Multiple(async () =>
        {
            Assert.That(removal.Untagged, Is.EqualTo(new[] { ImageReference.Parse("mybox:v1") }));
            Assert.That(removal.Deleted, Is.Empty);
            Assert.That((await _images.ResolveAsync("busybox")).Digest, Is.EqualTo(image.Digest));
            Assert.That(() => _images.ResolveAsync("mybox:v1").AsTask(), Throws.InstanceOf<NotFoundException>());
            Assert.That(await _images.Content.ExistsAsync(image.Layers[0].Digest), Is.True);
        });
    }

    [Test]
    public async Task Remove_TheLastName_DeletesTheBlobsNoOtherImageShares()
    {
        var shared = await Images.LayerAsync("shared.txt", "shared");
        var own = await Images.LayerAsync("own.txt", "own");
        var doomed = Mutate.AppendLayers(TestImages.Empty(), shared, own);
        var kept = Mutate.AppendLayers(TestImages.Empty(), shared);
        await _images.AddAsync(doomed, ImageReference.Parse("doomed"));
        await _images.AddAsync(kept, ImageReference.Parse("kept"));

        var removal = await _images.RemoveAsync("doomed");

        Assert.Multiple(async () =>
        {
            Assert.That(removal.Untagged, Is.EqualTo(new[] { ImageReference.Parse("doomed") }));
            Assert.That(removal.Deleted, Is.EquivalentTo(new[] { doomed.Digest, doomed.Manifest.Config.Digest, own.Digest }));
            Assert.That(await _images.Content.ExistsAsync(own.Digest), Is.False);
            Assert.That(await _images.Content.ExistsAsync(doomed.Digest), Is.False);
            Assert.That(await _images.Content.ExistsAsync(shared.Digest), Is.True, "the other image still has the shared layer");
            Assert.That((await _images.ListAsync()).Select(s => s.Repository), Is.EqualTo(new[] { "kept" }));
        });
    }

    [Test]
    public async Task Remove_AnImageAContainerUses_IsRefusedUnlessForced()
    {
        var usage = new FixedUsage();
        var images = new LocalImages(Path.Combine(_root, "used"), usage);
        var image = await Images.WithOneLayerAsync();
        await images.AddAsync(image, ImageReference.Parse("busybox"));
        usage.Users[image.Digest] = ["4c8e3f6a2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"];

        var refused = Assert.ThrowsAsync<ConflictException>(async () => await images.RemoveAsync("busybox"));
        var stillThere = await images.ResolveAsync("busybox");
        var forced = await images.RemoveAsync("busybox", force: true);

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("used by container 4c8e3f6a2b1d").And.Contain("force"));
            Assert.That(stillThere.Digest, Is.EqualTo(image.Digest));
            Assert.That(forced.Deleted, Does.Contain(image.Manifest.Config.Digest));
        });
    }

    [Test]
    public async Task Remove_ByIdOfAnImageInTwoRepositories_NeedsForce()
    {
        var image = await Images.WithOneLayerAsync();
        await _images.AddAsync(image, ImageReference.Parse("busybox"));
        await _images.TagAsync("busybox", "localhost:5000/box:v1");
        var id = image.Manifest.Config.Digest.Hex[..12];

        var refused = Assert.ThrowsAsync<ConflictException>(async () => await _images.RemoveAsync(id));
        var forced = await _images.RemoveAsync(id, force: true);

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Message, Does.Contain("several repositories").And.Contain("busybox:latest").And.Contain("localhost:5000/box:v1"));
            Assert.That(forced.Untagged, Has.Count.EqualTo(2));
            Assert.That(await _images.ListAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task List_GivesEveryNameWithItsImageIdDigestCreatedAndContentSize()
    {
        var created = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var older = Mutate.SetCreated(await Images.WithOneLayerAsync(), created);
        var newer = Mutate.SetCreated(Mutate.AppendLayers(TestImages.Empty(), await Images.LayerAsync("b.txt", "b")), created.AddDays(1));
        await _images.AddAsync(older, ImageReference.Parse("older"));
        await _images.TagAsync("older", "older:v2");
        await _images.AddAsync(newer, ImageReference.Parse("localhost:5000/team/newer:1.0"));

        var rows = await _images.ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => $"{r.Repository}:{r.Tag}"), Is.EqualTo(new[] { "localhost:5000/team/newer:1.0", "older:latest", "older:v2" }), "newest image first");
            Assert.That(rows.Select(r => r.ImageId), Is.EqualTo(new[] { newer.Manifest.Config.Digest, older.Manifest.Config.Digest, older.Manifest.Config.Digest }));
            Assert.That(rows.Select(r => r.ManifestDigest), Is.EqualTo(new[] { newer.Digest, older.Digest, older.Digest }));
            Assert.That(rows[1].Created, Is.EqualTo(created));
            Assert.That(rows[0].Size, Is.EqualTo(ContentSize(newer)));
            Assert.That(rows[1].Size, Is.EqualTo(ContentSize(older)));
        });
    }

    [Test]
    public async Task Add_ATagMovedToAnotherImage_LeavesTheOldOneWithoutANameUntilPruned()
    {
        var first = await Images.WithOneLayerAsync();
        var second = Mutate.SetEnv(first, "V=2");
        await _images.AddAsync(first, ImageReference.Parse("app"));

        await _images.AddAsync(second, ImageReference.Parse("app"));
        var before = await _images.ListAsync();
        var stillById = await _images.ResolveAsync(first.Manifest.Config.Digest.Hex);
        var pruned = await _images.PruneAsync();
        var after = await _images.ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(before.Select(r => (r.Repository, r.ImageId)), Is.EquivalentTo(new (string?, Digest)[] { ("app", second.Manifest.Config.Digest), (null, first.Manifest.Config.Digest) }));
            Assert.That(stillById.Digest, Is.EqualTo(first.Digest));
            Assert.That(pruned.Deleted, Does.Contain(first.Manifest.Config.Digest).And.Contain(first.Digest));
            Assert.That(pruned.Deleted, Does.Not.Contain(first.Layers[0].Digest), "the layer is still the new image's");
            Assert.That(after.Select(r => r.Repository), Is.EqualTo(new[] { "app" }));
        });
    }

    [Test]
    public async Task Add_WithADigestOrTheReservedRegistry_IsRefused()
    {
        var image = await Images.WithOneLayerAsync();

        Assert.Multiple(() =>
        {
            Assert.That(() => _images.AddAsync(image, ImageReference.Parse($"app@{image.Digest}")).AsTask(), Throws.InstanceOf<InvalidArgumentException>().With.Message.Contain("has a digest"));
            Assert.That(() => _images.TagAsync("x", "dangling.invalid/image:v1").AsTask(), Throws.InstanceOf<NotFoundException>());
            Assert.That(() => _images.AddAsync(image, ImageReference.Parse("dangling.invalid/image:v1")).AsTask(), Throws.InstanceOf<InvalidArgumentException>().With.Message.Contain("reserved"));
        });
    }

    [Test]
    public async Task Import_ACompressedTarballWithChanges_MakesAOneLayerImageOfItsEntries()
    {
        var archive = Path.Combine(_root, "rootfs.tar.gz");
        await WriteTarballAsync(archive, gzip: true);

        var image = await _images.ImportAsync(archive, ImageReference.Parse("imported:v1"), new ImportOptions
        {
            Changes = ["CMD [\"/bin/app\"]", "ENV MODE=prod", "WORKDIR /srv", "EXPOSE 8080", "USER 1000"],
            Message = "from the build",
        });

        var config = image.Config.Config!;
        Assert.Multiple(async () =>
        {
            Assert.That((await _images.ResolveAsync("imported:v1")).Digest, Is.EqualTo(image.Digest));
            Assert.That(image.Layers, Has.Count.EqualTo(1));
            Assert.That(await EntriesAsync(image.Layers[0]), Is.EqualTo(new[] { "bin/", "bin/app", "etc/", "etc/hostname" }));
            Assert.That(config.Cmd, Is.EqualTo(new[] { "/bin/app" }));
            Assert.That(config.Env, Is.EqualTo(new[] { "MODE=prod" }));
            Assert.That(config.WorkingDir, Is.EqualTo("/srv"));
            Assert.That(config.ExposedPorts!.Keys, Is.EqualTo(new[] { "8080/tcp" }));
            Assert.That(config.User, Is.EqualTo("1000"));
            Assert.That(image.Config.History!.Single().Comment, Is.EqualTo("from the build"));
            Assert.That(image.Config.Platform.ToString(), Is.EqualTo(Platform.Current.ToString()));
        });
    }

    [Test]
    public async Task Import_FromAStreamReadOnce_WithoutATag_IsListedWithoutAName()
    {
        var archive = Path.Combine(_root, "rootfs.tar");
        await WriteTarballAsync(archive, gzip: false);
        await using var pipe = new ForwardOnlyStream(File.OpenRead(archive));

        var image = await _images.ImportAsync(pipe, options: new ImportOptions { Platform = Platform.Parse("linux/arm64/v8") });

        var rows = await _images.ListAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(rows.Select(r => (r.Reference, r.ImageId)), Is.EqualTo(new[] { ((ImageReference?)null, image.Manifest.Config.Digest) }));
            Assert.That(image.Config.History!.Single().Comment, Is.EqualTo("Imported from -"));
            Assert.That(image.Config.Architecture, Is.EqualTo("arm64"));
            Assert.That(await EntriesAsync(image.Layers[0]), Does.Contain("bin/app"));
            Assert.That(pipe.CanRead, Is.True, "the caller's stream is left open");
        });
    }

    [Test]
    public void Import_MissingPathOrCorruptArchive_IsAClearErrorAndStoresNothing()
    {
        var corrupt = Path.Combine(_root, "corrupt.tar.gz");
        File.WriteAllBytes(corrupt, Convert.FromHexString("1f8b0800deadbeef0003ffffffffffff"));

        Assert.Multiple(async () =>
        {
            Assert.That(() => _images.ImportAsync(Path.Combine(_root, "missing.tar")).AsTask(), Throws.InstanceOf<NotFoundException>().With.Message.Contain("does not exist"));
            Assert.That(() => _images.ImportAsync(corrupt, ImageReference.Parse("bad")).AsTask(), Throws.InstanceOf<InvalidArgumentException>().With.Message.Contain("does not decompress"));
            Assert.That(await _images.ListAsync(), Is.Empty);
        });
    }

    private static long ContentSize(IImage image) =>
        image.RawManifest.Length + image.RawConfig.Length + image.Layers.Sum(l => l.Size);

    /// <summary>Two images over one layer whose IDs start alike for <paramref name="hexDigits"/> digits, found by trying labels.</summary>
    private static (IImage, IImage) ImagesWithSharedIdPrefix(ILayer layer, int hexDigits)
    {
        var seen = new Dictionary<string, IImage>(StringComparer.Ordinal);
        for (var i = 0; ; i++)
        {
            var image = Mutate.SetLabels(Mutate.AppendLayers(TestImages.Empty(), layer), new Dictionary<string, string?> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var prefix = image.Manifest.Config.Digest.Hex[..hexDigits];
            if (seen.TryGetValue(prefix, out var other))
            {
                return (other, image);
            }

            seen[prefix] = image;
        }
    }

    private static async Task WriteTarballAsync(string path, bool gzip)
    {
        await using var file = File.Create(path);
        await using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        await using var tar = new TarWriter(stream, TarEntryFormat.Pax);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "./bin/"));
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "./bin/app") { DataStream = new MemoryStream("#!/bin/sh\n"u8.ToArray()) });
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "./etc/"));
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "./etc/hostname") { DataStream = new MemoryStream("box\n"u8.ToArray()) });
    }

    private static async Task<List<string>> EntriesAsync(ILayer layer)
    {
        var names = new List<string>();
        await using var reader = new TarReader(await layer.OpenUncompressedAsync());
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private sealed class FixedUsage : IImageUsage
    {
        public Dictionary<Digest, IReadOnlyList<string>> Users { get; } = [];

        public ValueTask<IReadOnlyList<string>> ContainersUsingAsync(Digest manifest, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Users.TryGetValue(manifest, out var users) ? users : (IReadOnlyList<string>)[]);
    }

    /// <summary>A stream that cannot seek, as standard input is.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        private bool _disposed;

        public override bool CanRead => !_disposed;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
