using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Tests.Layout;

namespace Containers.Images.Tests.Layers;

public sealed class ArchiveCompressionTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("archive-compression-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase("1f8b0800", ArchiveCompression.Gzip)]
    [TestCase("425a6839314159", ArchiveCompression.Bzip2)]
    [TestCase("28b52ffd", ArchiveCompression.Zstd)]
    [TestCase("fd377a585a000004", ArchiveCompression.Xz)]
    [TestCase("2e2f000000000000", ArchiveCompression.None)]
    [TestCase("425a6830", ArchiveCompression.None)]
    [TestCase("fd377a585a", ArchiveCompression.None)]
    [TestCase("", ArchiveCompression.None)]
    public void Detect_ReadsTheMagicBytes(string hex, ArchiveCompression expected) =>
        Assert.That(ArchiveDecompression.Detect(Convert.FromHexString(hex)), Is.EqualTo(expected));

    [TestCase("gzip", "-k", ".gz", ArchiveCompression.Gzip)]
    [TestCase("bzip2", "-k", ".bz2", ArchiveCompression.Bzip2)]
    [TestCase("zstd", "-q", ".zst", ArchiveCompression.Zstd)]
    public async Task OpenAsync_CompressedWithTheRealTool_YieldsTheSameTar(string tool, string keep, string extension, ArchiveCompression expected)
    {
        ProcessRunner.Require("/usr/bin/" + tool);
        var tar = await MakeTarAsync();
        await ProcessRunner.RunAsync("/usr/bin/" + tool, keep, tar);

        var (stream, compression) = await ArchiveDecompression.OpenAsync(tar + extension);
        await using (stream)
        {
            Assert.That(compression, Is.EqualTo(expected));
            Assert.That(await ReadAllAsync(stream), Is.EqualTo(await File.ReadAllBytesAsync(tar)));
        }
    }

    [Test]
    public async Task OpenAsync_PlainTar_IsReadAsItIs()
    {
        var tar = await MakeTarAsync();

        var (stream, compression) = await ArchiveDecompression.OpenAsync(tar);
        await using (stream)
        {
            Assert.That(compression, Is.EqualTo(ArchiveCompression.None));
            Assert.That(await ReadAllAsync(stream), Is.EqualTo(await File.ReadAllBytesAsync(tar)));
        }
    }

    [Test]
    public async Task OpenAsync_ConcatenatedBzip2Streams_AreReadAsOne()
    {
        // pbzip2 writes one bzip2 stream per block; bzip2 -d reads them all, and so must we.
        ProcessRunner.Require("/usr/bin/bzip2");
        var tar = await File.ReadAllBytesAsync(await MakeTarAsync());
        var first = Path.Combine(_dir, "first");
        var second = Path.Combine(_dir, "second");
        await File.WriteAllBytesAsync(first, tar.AsSpan(0, 1000).ToArray());
        await File.WriteAllBytesAsync(second, tar.AsSpan(1000).ToArray());
        await ProcessRunner.RunAsync("/usr/bin/bzip2", first, second);
        var archive = Path.Combine(_dir, "both.tar.bz2");
        await File.WriteAllBytesAsync(archive, [.. await File.ReadAllBytesAsync(first + ".bz2"), .. await File.ReadAllBytesAsync(second + ".bz2")]);

        var (stream, _) = await ArchiveDecompression.OpenAsync(archive);
        await using (stream)
        {
            Assert.That(await ReadAllAsync(stream), Is.EqualTo(tar));
        }
    }

    [Test]
    public async Task OpenAsync_Xz_IsRefusedSayingWhatToDo()
    {
        var archive = Path.Combine(_dir, "x.tar.xz");
        await File.WriteAllBytesAsync(archive, Convert.FromHexString("fd377a585a000004e6d6b446"));

        Assert.That(
            async () => await ArchiveDecompression.OpenAsync(archive),
            Throws.TypeOf<InvalidArgumentException>().With.Message.EqualTo($"archive \"{archive}\" is xz-compressed, which is not supported; decompress it first (xz -d)"));
    }

    [Test]
    public void OpenAsync_MissingFile_IsNotFound() =>
        Assert.That(async () => await ArchiveDecompression.OpenAsync(Path.Combine(_dir, "nope.tar")), Throws.TypeOf<NotFoundException>().With.Message.Contains("nope.tar"));

    /// <summary>A GNU tar archive of a small tree, big enough to span several compressor blocks.</summary>
    private async Task<string> MakeTarAsync()
    {
        ProcessRunner.Require("/usr/bin/tar");
        var root = Directory.CreateDirectory(Path.Combine(_dir, "tree")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "motd"), "hello\n");
        var random = new Random(7);
        var blob = new byte[300_000];
        random.NextBytes(blob);
        await File.WriteAllBytesAsync(Path.Combine(root, "blob"), blob);
        var tar = Path.Combine(_dir, "tree.tar");
        await ProcessRunner.RunAsync("/usr/bin/tar", "-C", root, "-cf", tar, ".");
        return tar;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
