using System.IO.Compression;
using System.Security.Cryptography;
using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Layers.Tar;
using Containers.Images.Tests.Layout;

namespace Containers.Images.Tests.Layers;

public sealed class TarballLayerTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("tarball-layer-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase("-cf", "tree.tar")]
    [TestCase("-czf", "tree.tar.gz")]
    [TestCase("-cjf", "tree.tar.bz2")]
    [TestCase("--zstd -cf", "tree.tar.zst")]
    public async Task FromArchiveAsync_GnuTarArchive_HoldsTheSameFilesWithNamesWithoutDotSlash(string flags, string fileName)
    {
        ProcessRunner.Require("/usr/bin/tar");
        var root = await MakeTreeAsync();
        var archive = Path.Combine(_dir, fileName);
        await ProcessRunner.RunAsync("/usr/bin/tar", ["-C", root, .. flags.Split(' '), archive, "."]);
        var blob = Path.Combine(_dir, "layer.blob");

        await TarballLayer.FromArchiveAsync(archive, blob);

        var entries = await ReadLayerAsync(blob);

        // GNU tar stores whichever name of the hard-linked pair it meets second (in directory
        // order) as a link to the first, "./usr/bin/…".
        var (tool, hardLink) = entries["usr/bin/tool"].Entry.Type == TarEntryType.RegularFile
            ? (entries["usr/bin/tool"], entries["usr/bin/tool-hardlink"])
            : (entries["usr/bin/tool-hardlink"], entries["usr/bin/tool"]);
        Assert.Multiple(() =>
        {
            Assert.That(entries.Keys, Is.EquivalentTo(new[] { "etc/", "etc/motd", "etc/link", "usr/", "usr/bin/", "usr/bin/tool", "usr/bin/tool-hardlink" }));
            Assert.That(entries["etc/motd"].Data, Is.EqualTo("hello\n"u8.ToArray()));
            Assert.That(tool.Data, Is.EqualTo(ToolBytes()));
            Assert.That(tool.Entry.Mode, Is.EqualTo(0x1ed));
            Assert.That(hardLink.Entry.Type, Is.EqualTo(TarEntryType.HardLink));
            Assert.That(hardLink.Entry.LinkName, Is.EqualTo(tool.Entry.Name));
            Assert.That(entries["etc/link"].Entry.Type, Is.EqualTo(TarEntryType.SymbolicLink));
            Assert.That(entries["etc/link"].Entry.LinkName, Is.EqualTo("motd"));
        });
    }

    [Test]
    public async Task FromArchiveAsync_DigestsAreThoseOfTheBlobAndItsTar()
    {
        ProcessRunner.Require("/usr/bin/tar");
        var root = await MakeTreeAsync();
        var archive = Path.Combine(_dir, "tree.tar.bz2");
        await ProcessRunner.RunAsync("/usr/bin/tar", "-C", root, "-cjf", archive, ".");
        var blob = Path.Combine(_dir, "layer.blob");

        var layer = await TarballLayer.FromArchiveAsync(archive, blob);

        var compressed = await File.ReadAllBytesAsync(blob);
        using var tar = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(tar);
        }

        Assert.Multiple(() =>
        {
            Assert.That(layer.Digest.Hex, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(compressed))));
            Assert.That(layer.DiffId.Hex, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(tar.ToArray()))));
            Assert.That(layer.Size, Is.EqualTo(compressed.Length));
            Assert.That(layer.MediaType, Is.EqualTo(MediaType.OciLayerGzip));
            Assert.That(layer.Path, Is.EqualTo(blob));
        });
    }

    [Test]
    public async Task FromArchiveAsync_KeepsXattrsLargeIdsAndNanoseconds()
    {
        var archive = Path.Combine(_dir, "ours.tar.gz");
        var capability = Convert.FromHexString("0100000200040000fffe80000000000000000000");
        await using (var file = File.Create(archive))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var writer = new TarWriter(gzip, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new TarEntry { Name = "./", Type = TarEntryType.Directory, Mode = 0x1ed }, null);
            await writer.WriteEntryAsync(
                new TarEntry
                {
                    Name = "./bin/ping",
                    Type = TarEntryType.RegularFile,
                    Mode = 0x1ed,
                    Uid = 4_000_000_000,
                    Gid = 3_000_000_000,
                    ModificationTime = new UnixTime(1_700_000_000, 123_456_789),
                    Size = 4,
                    ExtendedAttributes = new Dictionary<string, byte[]> { ["security.capability"] = capability },
                },
                new MemoryStream("ping"u8.ToArray()));
            await writer.CompleteAsync();
        }

        var blob = Path.Combine(_dir, "layer.blob");
        await TarballLayer.FromArchiveAsync(archive, blob, LayerCompression.Zstd);

        var entries = await ReadLayerAsync(blob, LayerCompression.Zstd);
        Assert.That(entries.Keys, Is.EqualTo(new[] { "bin/ping" }), "the root entry ./ is left out");
        var ping = entries["bin/ping"].Entry;
        Assert.Multiple(() =>
        {
            Assert.That(ping.Uid, Is.EqualTo(4_000_000_000));
            Assert.That(ping.Gid, Is.EqualTo(3_000_000_000));
            Assert.That(ping.ModificationTime, Is.EqualTo(new UnixTime(1_700_000_000, 123_456_789)));
            Assert.That(ping.ExtendedAttributes["security.capability"], Is.EqualTo(capability));
            Assert.That(entries["bin/ping"].Data, Is.EqualTo("ping"u8.ToArray()));
        });
    }

    [TestCase("../etc/passwd")]
    [TestCase("./a/../../etc/passwd")]
    public async Task FromArchiveAsync_PathLeavingTheRoot_IsRefusedAndLeavesNoBlob(string name)
    {
        var archive = Path.Combine(_dir, "evil.tar");
        await using (var writer = new TarWriter(File.Create(archive)))
        {
            await writer.WriteEntryAsync(new TarEntry { Name = name, Type = TarEntryType.RegularFile, Size = 1 }, new MemoryStream([1]));
            await writer.CompleteAsync();
        }

        var blob = Path.Combine(_dir, "layer.blob");

        Assert.That(
            async () => await TarballLayer.FromArchiveAsync(archive, blob),
            Throws.TypeOf<InvalidArgumentException>().With.Message.EqualTo($"archive \"{archive}\" has entry \"{name}\", which escapes the root with \"..\"; a layer holds only paths inside the root"));
        Assert.That(File.Exists(blob), Is.False);
    }

    [TestCase("1f8b0800deadbeef0003ffffffffffff", "gzip")]
    [TestCase("425a6839ffffffffffffffffffff", "bzip2")]
    [TestCase("425a6839", "bzip2")]
    [TestCase("28b52ffdffffffffffffffffffff", "zstd")]
    public async Task FromArchiveAsync_Corrupt_SaysItDoesNotDecompressAndLeavesNoBlob(string hex, string compression)
    {
        var archive = Path.Combine(_dir, "corrupt.tar.x");
        await File.WriteAllBytesAsync(archive, Convert.FromHexString(hex));
        var blob = Path.Combine(_dir, "layer.blob");

        Assert.That(
            async () => await TarballLayer.FromArchiveAsync(archive, blob),
            Throws.TypeOf<InvalidArgumentException>().With.Message.StartsWith($"archive \"{archive}\" is {compression}-compressed but does not decompress"));
        Assert.That(File.Exists(blob), Is.False);
    }

    [Test]
    public async Task FromArchiveAsync_NotATar_SaysSo()
    {
        var archive = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(archive, new string('x', 2000));

        Assert.That(
            async () => await TarballLayer.FromArchiveAsync(archive, Path.Combine(_dir, "layer.blob")),
            Throws.TypeOf<InvalidArgumentException>().With.Message.StartsWith($"archive \"{archive}\" has a header for entry \"xxxx").And.Message.EndsWith("whose checksum field is not octal (\"xxxxxxxx\")"));
    }

    [Test]
    public async Task FromArchiveAsync_BlobPathTaken_LeavesTheExistingFileAlone()
    {
        var archive = Path.Combine(_dir, "empty.tar");
        await File.WriteAllBytesAsync(archive, new byte[1024]);
        var blob = Path.Combine(_dir, "layer.blob");
        await File.WriteAllTextAsync(blob, "mine");

        Assert.That(async () => await TarballLayer.FromArchiveAsync(archive, blob), Throws.InstanceOf<IOException>());
        Assert.That(await File.ReadAllTextAsync(blob), Is.EqualTo("mine"));
    }

    private static byte[] ToolBytes() => Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31 % 251)).ToArray();

    private async Task<string> MakeTreeAsync()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "tree")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "bin"));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "motd"), "hello\n");
        File.CreateSymbolicLink(Path.Combine(root, "etc", "link"), "motd");
        var tool = Path.Combine(root, "usr", "bin", "tool");
        await File.WriteAllBytesAsync(tool, ToolBytes());
        File.SetUnixFileMode(tool, (UnixFileMode)0x1ed);
        await ProcessRunner.RunAsync("/usr/bin/ln", tool, tool + "-hardlink");
        return root;
    }

    private static async Task<Dictionary<string, (TarEntry Entry, byte[] Data)>> ReadLayerAsync(string blob, LayerCompression compression = LayerCompression.Gzip)
    {
        var entries = new Dictionary<string, (TarEntry, byte[])>();
        await using var reader = new TarReader(Compression.OpenDecompressing(File.OpenRead(blob), compression));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            using var data = new MemoryStream();
            await reader.CopyDataToAsync(data);
            entries.Add(entry.Name, (entry, data.ToArray()));
        }

        return entries;
    }
}
