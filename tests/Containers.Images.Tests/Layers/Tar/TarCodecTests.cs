using System.Text;
using Containers.Errors;
using Containers.Images.Layers.Tar;
using Containers.Images.Tests.Layout;

namespace Containers.Images.Tests.Layers.Tar;

public sealed class TarCodecTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("tar-codec-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly byte[] BinaryCapability = [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x80, 0x00];

    private static IEnumerable<TarEntry> SampleEntries() =>
    [
        new TarEntry { Name = "dir/", Type = TarEntryType.Directory, Mode = 0x1ed | 0x200, Uid = 0, Gid = 0, ModificationTime = new UnixTime(1700000000, 123456789) },
        new TarEntry { Name = "dir/file", Type = TarEntryType.RegularFile, Mode = 0x9ed, Size = 5, Uid = 1000, Gid = 1000, UserName = "alice", GroupName = "staff", ModificationTime = new UnixTime(1700000001, 0) },
        new TarEntry { Name = "dir/" + new string('n', 150) + "/" + new string('m', 120), Type = TarEntryType.RegularFile, Mode = 0x1a4, Size = 0 },
        new TarEntry { Name = "dir/ünïcødé", Type = TarEntryType.SymbolicLink, Mode = 0x1ff, LinkName = "/" + new string('t', 300) },
        new TarEntry { Name = "dir/hard", Type = TarEntryType.HardLink, LinkName = "dir/file" },
        new TarEntry { Name = "dev/null", Type = TarEntryType.CharacterDevice, Mode = 0x1b6, DeviceMajor = 1, DeviceMinor = 3 },
        new TarEntry { Name = "dev/sda", Type = TarEntryType.BlockDevice, Mode = 0x180, DeviceMajor = 8, DeviceMinor = 0 },
        new TarEntry { Name = "fifo", Type = TarEntryType.Fifo, Mode = 0x1a4 },
        new TarEntry { Name = "big-ids", Type = TarEntryType.RegularFile, Uid = 4_000_000_000, Gid = 3_000_000_000, Size = 1 },
        new TarEntry
        {
            Name = "bin/ping",
            Type = TarEntryType.RegularFile,
            Mode = 0x1ed,
            Size = 2,
            ExtendedAttributes = new Dictionary<string, byte[]> { ["security.capability"] = BinaryCapability, ["user.note"] = "a=b\nc"u8.ToArray() },
        },
        new TarEntry { Name = "old", Type = TarEntryType.RegularFile, ModificationTime = new UnixTime(-5, 250_000_000) },
    ];

    private static async Task<byte[]> WriteAsync(IEnumerable<TarEntry> entries)
    {
        using var output = new MemoryStream();
        await using (var writer = new TarWriter(output, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                await writer.WriteEntryAsync(entry, entry.Size > 0 ? new MemoryStream(Content(entry)) : null);
            }

            await writer.CompleteAsync();
        }

        return output.ToArray();
    }

    private static byte[] Content(TarEntry entry) => Enumerable.Range(0, (int)entry.Size).Select(i => (byte)(i + entry.Name.Length)).ToArray();

    private static async Task<List<(TarEntry Entry, byte[] Data)>> ReadAllAsync(Stream stream, TarReaderOptions? options = null)
    {
        var result = new List<(TarEntry, byte[])>();
        await using var reader = new TarReader(stream, options);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            using var data = new MemoryStream();
            await reader.CopyDataToAsync(data);
            result.Add((entry, data.ToArray()));
        }

        return result;
    }

    [Test]
    public async Task WriteThenRead_KeepsEveryField()
    {
        var expected = SampleEntries().ToList();
        var bytes = await WriteAsync(expected);
        Assert.That(bytes.Length % 512, Is.Zero);

        var read = await ReadAllAsync(new MemoryStream(bytes));

        Assert.That(read.Select(r => r.Entry.Name), Is.EqualTo(expected.Select(e => e.Name)));
        for (var i = 0; i < expected.Count; i++)
        {
            var (actual, data) = read[i];
            var want = expected[i];
            Assert.Multiple(() =>
            {
                Assert.That(actual.Type, Is.EqualTo(want.Type), want.Name);
                Assert.That(actual.Mode, Is.EqualTo(want.Mode), want.Name);
                Assert.That(actual.Uid, Is.EqualTo(want.Uid), want.Name);
                Assert.That(actual.Gid, Is.EqualTo(want.Gid), want.Name);
                Assert.That(actual.UserName, Is.EqualTo(want.UserName), want.Name);
                Assert.That(actual.GroupName, Is.EqualTo(want.GroupName), want.Name);
                Assert.That(actual.ModificationTime, Is.EqualTo(want.ModificationTime), want.Name);
                Assert.That(actual.Size, Is.EqualTo(want.Size), want.Name);
                Assert.That(actual.LinkName, Is.EqualTo(want.LinkName), want.Name);
                Assert.That(actual.DeviceMajor, Is.EqualTo(want.DeviceMajor), want.Name);
                Assert.That(actual.DeviceMinor, Is.EqualTo(want.DeviceMinor), want.Name);
                Assert.That(actual.ExtendedAttributes.Keys, Is.EquivalentTo(want.ExtendedAttributes.Keys), want.Name);
                foreach (var (key, value) in want.ExtendedAttributes)
                {
                    Assert.That(actual.ExtendedAttributes[key], Is.EqualTo(value), $"{want.Name} {key}");
                }

                Assert.That(data, Is.EqualTo(Content(want)), want.Name);
            });
        }
    }

    [Test]
    public async Task Write_SameEntries_GivesSameBytes()
    {
        var first = await WriteAsync(SampleEntries());
        var second = await WriteAsync(SampleEntries());
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task GnuTar_ListsWhatWeWrite_WithLongNamesAndIds()
    {
        ProcessRunner.Require("/usr/bin/tar");
        var path = Path.Combine(_dir, "ours.tar");
        await File.WriteAllBytesAsync(path, await WriteAsync(SampleEntries()));

        var listing = await ProcessRunner.RunAsync("/usr/bin/tar", "--numeric-owner", "-tvf", path);

        Assert.That(listing, Does.Contain("dir/" + new string('n', 150) + "/" + new string('m', 120)));
        Assert.That(listing, Does.Contain("4000000000/3000000000"));
        Assert.That(listing, Does.Contain("dir/ünïcødé -> /" + new string('t', 300)));
        Assert.That(listing, Does.Contain("dir/hard link to dir/file"));
    }

    [Test]
    public async Task Read_GnuTarPosixArchive_WithXattrsAndNanoseconds()
    {
        ProcessRunner.Require("/usr/bin/tar");
        var root = Directory.CreateDirectory(Path.Combine(_dir, "tree")).FullName;
        var file = Path.Combine(root, new string('x', 120));
        await File.WriteAllTextAsync(file, "hello");
        File.SetLastWriteTimeUtc(file, new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567));
        var xattrs = await ProcessRunner.RunUncheckedAsync("/usr/bin/setfattr", ["-n", "user.test", "-v", "0x00ff10", file]);
        var archive = Path.Combine(_dir, "gnu.tar");
        await ProcessRunner.RunAsync("/usr/bin/tar", "--format=posix", "--xattrs", "--xattrs-include=*", "-C", root, "-cf", archive, ".");

        await using var stream = File.OpenRead(archive);
        var entries = await ReadAllAsync(stream);

        var read = entries.Single(e => e.Entry.Name.EndsWith(new string('x', 120), StringComparison.Ordinal));
        Assert.That(read.Data, Is.EqualTo("hello"u8.ToArray()));
        Assert.That(read.Entry.ModificationTime, Is.EqualTo(new UnixTime(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).ToUnixTimeSeconds(), 123_456_700)));
        if (xattrs.ExitCode == 0)
        {
            Assert.That(read.Entry.ExtendedAttributes["user.test"], Is.EqualTo(new byte[] { 0x00, 0xff, 0x10 }));
        }
    }

    [Test]
    public async Task Read_GnuFormat_LongNamesAndBase256Ids()
    {
        ProcessRunner.Require("/usr/bin/tar");
        var root = Directory.CreateDirectory(Path.Combine(_dir, "tree")).FullName;
        var deep = Path.Combine(root, new string('a', 90), new string('b', 90));
        Directory.CreateDirectory(deep);
        await File.WriteAllTextAsync(Path.Combine(deep, new string('c', 110)), "gnu");
        File.CreateSymbolicLink(Path.Combine(root, "link"), new string('z', 150));
        var archive = Path.Combine(_dir, "gnu.tar");
        await ProcessRunner.RunAsync("/usr/bin/tar", "--format=gnu", "--owner=3000000000", "--group=5", "-C", root, "-cf", archive, ".");

        await using var stream = File.OpenRead(archive);
        var entries = await ReadAllAsync(stream);

        var file = entries.Single(e => e.Entry.Name.EndsWith(new string('c', 110), StringComparison.Ordinal));
        Assert.That(file.Entry.Name, Is.EqualTo($"./{new string('a', 90)}/{new string('b', 90)}/{new string('c', 110)}"));
        Assert.That(file.Entry.Uid, Is.EqualTo(3_000_000_000));
        Assert.That(file.Data, Is.EqualTo("gnu"u8.ToArray()));
        Assert.That(entries.Single(e => e.Entry.Name == "./link").Entry.LinkName, Is.EqualTo(new string('z', 150)));
    }

    [Test]
    public async Task Read_SystemFormatsTarOutput()
    {
        using var output = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, new string('q', 200)) { DataStream = new MemoryStream("bcl"u8.ToArray()), Uid = 7 };
            await writer.WriteEntryAsync(entry);
        }

        output.Position = 0;
        var entries = await ReadAllAsync(output);

        Assert.That(entries.Single().Entry.Name, Is.EqualTo(new string('q', 200)));
        Assert.That(entries.Single().Entry.Uid, Is.EqualTo(7));
        Assert.That(entries.Single().Data, Is.EqualTo("bcl"u8.ToArray()));
    }

    [Test]
    public async Task Read_CorruptChecksum_IsRefusedNamingTheSubject()
    {
        var bytes = await WriteAsync([new TarEntry { Name = "a", Type = TarEntryType.RegularFile }]);
        bytes[0] = (byte)'b';

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => ReadAllAsync(new MemoryStream(bytes), new TarReaderOptions { Subject = "layer sha256:feed" }));
        Assert.That(error!.Message, Does.Contain("layer sha256:feed").And.Contain("checksum"));
    }

    [Test]
    public async Task Read_Truncated_IsRefusedNamingTheEntry()
    {
        var bytes = await WriteAsync([new TarEntry { Name = "big", Type = TarEntryType.RegularFile, Size = 2000 }]);

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => ReadAllAsync(new MemoryStream(bytes[..1200])));
        Assert.That(error!.Message, Does.Contain("\"big\"").And.Contain("truncated"));
    }

    [Test]
    public async Task Read_OverLimits_NamesTheLimit()
    {
        var bytes = await WriteAsync(Enumerable.Range(0, 10).Select(i => new TarEntry { Name = $"f{i}", Type = TarEntryType.RegularFile, Size = 100 }));
        var longName = await WriteAsync([new TarEntry { Name = new string('p', 300), Type = TarEntryType.RegularFile }]);
        var xattr = await WriteAsync([new TarEntry { Name = "x", Type = TarEntryType.RegularFile, ExtendedAttributes = new Dictionary<string, byte[]> { ["user.big"] = new byte[5000] } }]);

        Assert.Multiple(() =>
        {
            Assert.That(() => ReadAllAsync(new MemoryStream(bytes), new TarReaderOptions { MaxEntries = 3 }), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("MaxEntries"));
            Assert.That(() => ReadAllAsync(new MemoryStream(bytes), new TarReaderOptions { MaxBytes = 4096 }), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("MaxBytes"));
            Assert.That(() => ReadAllAsync(new MemoryStream(longName), new TarReaderOptions { MaxPathLength = 255 }), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("MaxPathLength"));
            Assert.That(() => ReadAllAsync(new MemoryStream(xattr), new TarReaderOptions { MaxPaxHeaderSize = 4096 }), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("MaxPaxHeaderSize"));
        });
    }

    [Test]
    public async Task Read_SparseFile_IsRefused()
    {
        var bytes = await WriteAsync([new TarEntry { Name = "sparse", Type = TarEntryType.RegularFile }]);
        bytes[156] = (byte)'S';
        FixChecksum(bytes.AsSpan(0, 512));

        Assert.That(() => ReadAllAsync(new MemoryStream(bytes)), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("sparse"));
    }

    [Test]
    public async Task Read_UnreadContent_IsSkipped()
    {
        var bytes = await WriteAsync([
            new TarEntry { Name = "a", Type = TarEntryType.RegularFile, Size = 300_000 },
            new TarEntry { Name = "b", Type = TarEntryType.RegularFile, Size = 3 },
        ]);

        await using var reader = new TarReader(new MemoryStream(bytes));
        Assert.That((await reader.GetNextEntryAsync())!.Name, Is.EqualTo("a"));
        var partial = new byte[10];
        await reader.ReadDataAsync(partial);
        var b = await reader.GetNextEntryAsync();
        Assert.That(b!.Name, Is.EqualTo("b"));
        Assert.That(await reader.GetNextEntryAsync(), Is.Null);
        Assert.That(reader.EntryCount, Is.EqualTo(2));
    }

    internal static void FixChecksum(Span<byte> header)
    {
        header.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", header.Slice(148, 8));
    }
}
