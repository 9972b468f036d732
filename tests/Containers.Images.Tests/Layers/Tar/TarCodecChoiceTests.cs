using System.Reflection;
using System.Text;
using Containers.Images.Layers.Tar;
using NUnit.Framework.Constraints;
using Containers.Images.Tests.Layout;
using Bcl = System.Formats.Tar;
using Szl = ICSharpCode.SharpZipLib.Tar;

namespace Containers.Images.Tests.Layers.Tar;

/// <summary>
/// Why layers use our own tar codec: each of the three codecs writes one entry with a binary
/// <c>security.capability</c>, uid 4,000,000,000 and a 200-character name, reads it back, and hands
/// it to GNU tar; and each reads an archive that GNU tar made. These tests assert what really
/// happens, including where System.Formats.Tar and SharpZipLib lose data. If one of them starts
/// keeping everything, its tests fail here, and the choice deserves another look.
/// </summary>
public sealed class TarCodecChoiceTests
{
    /// <summary>
    /// A file capability as the kernel stores it (<c>vfs_cap_data</c>, revision 2 with the effective
    /// bit: cap_net_bind_service in permitted, a spread of bits in inheritable). The first 12 bytes
    /// are <c>01 00 00 02 00 04 00 00 ff fe 80 00</c>; a revision-2 value must be exactly 20 bytes or
    /// setxattr refuses it with EINVAL, so 8 zero bytes (the upper 32 capabilities) follow. The
    /// bytes 0xff, 0xfe and 0x80 are not valid UTF-8, which is what breaks string-typed PAX values.
    /// </summary>
    private static readonly byte[] Capability = Convert.FromHexString("0100000200040000fffe80000000000000000000");

    /// <summary>What System.Formats.Tar puts on the wire for <see cref="Capability"/>: each byte as a char, encoded as UTF-8.</summary>
    private static readonly byte[] CapabilityAsUtf8OfLatin1 = Convert.FromHexString("0100000200040000c3bfc3bec280000000000000000000");

    /// <summary>What System.Formats.Tar reads from GNU tar's <see cref="Capability"/>: each invalid byte becomes U+FFFD.</summary>
    private static readonly string CapabilityAsDecodedUtf8 = "\u0001\0\0\u0002\0\u0004\0\0\uFFFD\uFFFD\uFFFD\0\0\0\0\0\0\0\0\0";

    private const long LargeUid = 4_000_000_000;

    /// <summary>200 characters, with a last component of 192: it fits neither ustar's name field nor its prefix split.</summary>
    private static readonly string LongName = "usr/lib/" + new string('x', 192);

    private static readonly byte[] Content = "capable\n"u8.ToArray();

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("tar-choice-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Constants_AreWhatTheTestsClaim()
    {
        Assert.That(LongName, Has.Length.EqualTo(200));
        Assert.That(Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(Capability)), Is.EqualTo(CapabilityAsUtf8OfLatin1));
        Assert.That(Encoding.UTF8.GetString(Capability), Is.EqualTo(CapabilityAsDecodedUtf8));
    }

    // Ours: everything survives, in our reader and in GNU tar.

    [Test]
    public async Task Ours_WriteThenRead_KeepsTheCapabilityBytesTheUidAndTheName()
    {
        var archive = await WriteOursAsync();

        var (entry, data) = await ReadOursAsync(archive);

        AssertKeepsEverything(entry, data);
    }

    [Test]
    public async Task Ours_GnuTar_ListsTheUidAndExtractsTheExactCapability()
    {
        RequireGnuTarAsRoot();
        var archive = await WriteOursAsync();

        var listing = await ListWithGnuTarAsync(archive);
        var extracted = await ExtractWithGnuTarAsync(archive);

        AssertGnuTarSaw(listing, extracted, uid: LargeUid, capability: Capability, stderr: Is.Empty);
    }

    [Test]
    public async Task Ours_ReadingGnuTarArchive_KeepsTheCapabilityBytesAndTheUid()
    {
        RequireGnuTarAsRoot();
        var archive = await CreateWithGnuTarAsync(LargeUid);

        var (entry, data) = await ReadOursAsync(archive);

        AssertKeepsEverything(entry, data);
    }

    // System.Formats.Tar: PAX values are strings, and ids are ints.

    [Test]
    public async Task SystemFormatsTar_Write_StoresTheCapabilityAsUtf8OfItsCharsAndDropsTheUid()
    {
        var archive = await WriteSystemFormatsTarAsync();

        // Our reader shows the bytes on the wire.
        var (wire, _) = await ReadOursAsync(archive);
        await using var stream = File.OpenRead(archive);
        await using var reader = new Bcl.TarReader(stream);
        var entry = (Bcl.PaxTarEntry)(await reader.GetNextEntryAsync())!;

        Assert.Multiple(() =>
        {
            // 0xff, 0xfe and 0x80 went out as c3 bf, c3 be and c2 80: 23 bytes, not the capability.
            Assert.That(wire.ExtendedAttributes["security.capability"], Is.EqualTo(CapabilityAsUtf8OfLatin1));

            // PaxTarEntry.Uid is an int, and the writer drops a "uid" record it was given.
            Assert.That(wire.Uid, Is.Zero);
            Assert.That(entry.Uid, Is.Zero);
            Assert.That(entry.ExtendedAttributes, Does.Not.ContainKey("uid"));

            // Read back by System.Formats.Tar itself, the string is the one written, so the loss only
            // shows where the bytes leave .NET: in GNU tar, in the kernel, in any other reader.
            Assert.That(Encoding.Latin1.GetBytes(entry.ExtendedAttributes["SCHILY.xattr.security.capability"]), Is.EqualTo(Capability));
            Assert.That(entry.Name, Is.EqualTo(LongName));
        });
    }

    [Test]
    public async Task SystemFormatsTar_GnuTar_CannotSetTheMangledCapabilityAndSeesUidZero()
    {
        RequireGnuTarAsRoot();
        var archive = await WriteSystemFormatsTarAsync();

        var listing = await ListWithGnuTarAsync(archive);
        var extracted = await ExtractWithGnuTarAsync(archive);

        // 23 bytes are no vfs_cap_data: the kernel refuses them, and tar only warns.
        AssertGnuTarSaw(listing, extracted, uid: 0, capability: null, stderr: Does.Contain("Cannot set 'security.capability'").And.Contain("Invalid argument"));
    }

    [Test]
    public async Task SystemFormatsTar_ReadingGnuTarArchiveWithUidOverIntMax_Throws()
    {
        RequireGnuTarAsRoot();
        var archive = await CreateWithGnuTarAsync(LargeUid);

        await using var stream = File.OpenRead(archive);
        await using var reader = new Bcl.TarReader(stream);

        // Not even an InvalidDataException: the PAX uid goes through int.Parse.
        Assert.That(async () => await reader.GetNextEntryAsync(), Throws.TypeOf<OverflowException>());
    }

    [Test]
    public async Task SystemFormatsTar_ReadingGnuTarArchive_TurnsTheHighBytesIntoReplacementChars()
    {
        RequireGnuTarAsRoot();
        var archive = await CreateWithGnuTarAsync(uid: 4000);

        await using var stream = File.OpenRead(archive);
        await using var reader = new Bcl.TarReader(stream);
        var entry = (Bcl.PaxTarEntry)(await reader.GetNextEntryAsync())!;
        var value = entry.ExtendedAttributes["SCHILY.xattr.security.capability"];

        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo(CapabilityAsDecodedUtf8));
            Assert.That(Encoding.Latin1.GetBytes(value), Is.Not.EqualTo(Capability), "no encoding gets the bytes back");
            Assert.That(entry.Uid, Is.EqualTo(4000));
            Assert.That(entry.Name, Is.EqualTo(LongName));
        });
    }

    // SharpZipLib: no extended attributes at all, and ids are ints.

    [Test]
    public void SharpZipLib_HasNoExtendedAttributesAndIntIds()
    {
        var members = typeof(Szl.TarEntry).GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Concat(typeof(Szl.TarHeader).GetMembers(BindingFlags.Public | BindingFlags.Instance))
            .Select(m => m.Name)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(members, Has.None.Contains("Xattr").IgnoreCase.And.None.Contains("Extended").IgnoreCase.And.None.Contains("Pax").IgnoreCase);
            Assert.That(typeof(Szl.TarHeader).GetProperty(nameof(Szl.TarHeader.UserId))!.PropertyType, Is.EqualTo(typeof(int)));
            Assert.That(typeof(Szl.TarHeader).GetProperty(nameof(Szl.TarHeader.GroupId))!.PropertyType, Is.EqualTo(typeof(int)));
        });
    }

    [Test]
    public async Task SharpZipLib_WriteThenRead_KeepsTheNameButNotTheUid()
    {
        var archive = WriteSharpZipLib();

        var (wire, data) = await ReadOursAsync(archive);
        await using var stream = File.OpenRead(archive);
        using var input = new Szl.TarInputStream(stream, Encoding.UTF8);
        var entry = input.GetNextEntry();

        Assert.Multiple(() =>
        {
            // The name goes out as a GNU long-name record, which both readers understand.
            Assert.That(entry.Name, Is.EqualTo(LongName));
            Assert.That(wire.Name, Is.EqualTo(LongName));
            Assert.That(data, Is.EqualTo(Content));

            // The uid, wrapped to a negative int to fit the API, is written as 0; no xattr is written.
            Assert.That(entry.UserId, Is.Zero);
            Assert.That(wire.Uid, Is.Zero);
            Assert.That(wire.ExtendedAttributes, Is.Empty);
        });
    }

    [Test]
    public async Task SharpZipLib_GnuTar_ListsUidZeroAndExtractsNoCapability()
    {
        RequireGnuTarAsRoot();
        var archive = WriteSharpZipLib();

        var listing = await ListWithGnuTarAsync(archive);
        var extracted = await ExtractWithGnuTarAsync(archive);

        AssertGnuTarSaw(listing, extracted, uid: 0, capability: null, stderr: Is.Empty);
    }

    [Test]
    public async Task SharpZipLib_ReadingGnuTarArchive_DropsTheCapabilityAndTheUid()
    {
        RequireGnuTarAsRoot();
        var archive = await CreateWithGnuTarAsync(LargeUid);

        await using var stream = File.OpenRead(archive);
        using var input = new Szl.TarInputStream(stream, Encoding.UTF8);
        var entry = input.GetNextEntry();

        Assert.Multiple(() =>
        {
            // Of the PAX records TarInputStream keeps only "path"; the ustar uid field GNU tar
            // leaves at 0 when the PAX uid carries the real one.
            Assert.That(entry.Name, Is.EqualTo(LongName));
            Assert.That(entry.UserId, Is.Zero);
        });
    }

    private async Task<string> WriteOursAsync()
    {
        var path = Path.Combine(_dir, "ours.tar");
        var file = File.Create(path);
        await using (var writer = new TarWriter(file))
        {
            var entry = new TarEntry
            {
                Name = LongName,
                Type = TarEntryType.RegularFile,
                Mode = 0x1ed,
                Uid = LargeUid,
                Size = Content.Length,
                ExtendedAttributes = new Dictionary<string, byte[]> { ["security.capability"] = Capability },
            };
            await writer.WriteEntryAsync(entry, new MemoryStream(Content));
            await writer.CompleteAsync();
        }

        return path;
    }

    /// <summary>
    /// The most faithful System.Formats.Tar allows: PAX values are strings, so the capability goes in
    /// as Latin-1 (one char a byte, the only lossless mapping), and the uid as a "uid" record,
    /// since <see cref="Bcl.TarEntry.Uid"/> is an int.
    /// </summary>
    private async Task<string> WriteSystemFormatsTarAsync()
    {
        var path = Path.Combine(_dir, "system-formats-tar.tar");
        var file = File.Create(path);
        await using (var writer = new Bcl.TarWriter(file, Bcl.TarEntryFormat.Pax))
        {
            var attributes = new Dictionary<string, string>
            {
                ["SCHILY.xattr.security.capability"] = Encoding.Latin1.GetString(Capability),
                ["uid"] = LargeUid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var entry = new Bcl.PaxTarEntry(Bcl.TarEntryType.RegularFile, LongName, attributes)
            {
                Mode = (UnixFileMode)0x1ed,
                DataStream = new MemoryStream(Content),
            };
            await writer.WriteEntryAsync(entry);
        }

        return path;
    }

    /// <summary>
    /// The most SharpZipLib allows: its headers have no extended attributes, and the uid only fits
    /// its int property wrapped around (to -294,967,296).
    /// </summary>
    private string WriteSharpZipLib()
    {
        var path = Path.Combine(_dir, "sharpziplib.tar");
        using var file = File.Create(path);
        using var output = new Szl.TarOutputStream(file, Encoding.UTF8);
        var entry = Szl.TarEntry.CreateTarEntry(LongName);
        entry.TarHeader.Mode = 0x1ed;
        entry.TarHeader.UserId = unchecked((int)LargeUid);
        entry.Size = Content.Length;
        output.PutNextEntry(entry);
        output.Write(Content);
        output.CloseEntry();
        return path;
    }

    private static async Task<(TarEntry Entry, byte[] Data)> ReadOursAsync(string archive)
    {
        await using var reader = new TarReader(File.OpenRead(archive));
        var entry = await reader.GetNextEntryAsync();
        Assert.That(entry, Is.Not.Null, $"{archive} holds no entry");
        using var data = new MemoryStream();
        await reader.CopyDataToAsync(data);
        Assert.That(await reader.GetNextEntryAsync(), Is.Null, $"{archive} holds more than one entry");
        return (entry!, data.ToArray());
    }

    /// <summary>GNU tar's own PAX archive of one file carrying <see cref="Capability"/>, owned by <paramref name="uid"/>.</summary>
    private async Task<string> CreateWithGnuTarAsync(long uid)
    {
        var root = Path.Combine(_dir, $"gnu-tree-{uid}");
        var file = Path.Combine(root, LongName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, Content);
        await ProcessRunner.RunAsync("/usr/bin/setfattr", "-n", "security.capability", "-v", "0x" + Convert.ToHexString(Capability), file);
        var archive = Path.Combine(_dir, $"gnu-{uid}.tar");
        await ProcessRunner.RunAsync("/usr/bin/tar", "--format=posix", "--xattrs", "--xattrs-include=*", $"--owner={uid}", "--group=0", "-C", root, "-cf", archive, LongName);
        return archive;
    }

    private static Task<string> ListWithGnuTarAsync(string archive) =>
        ProcessRunner.RunAsync("/usr/bin/tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-tvf", archive);

    /// <summary>Extracts as root, keeping owners and xattrs, and reports what the kernel holds for the file.</summary>
    private async Task<Extracted> ExtractWithGnuTarAsync(string archive)
    {
        var target = Directory.CreateDirectory(Path.Combine(_dir, "extract-" + Path.GetFileNameWithoutExtension(archive))).FullName;
        var tar = await ProcessRunner.RunUncheckedAsync("/usr/bin/tar", ["-x", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-f", archive, "-C", target]);
        var file = Path.Combine(target, LongName);
        Assert.That(File.Exists(file), $"{tar.CommandLine} extracted no {LongName}:\n{tar.Stderr}");

        var xattr = await ProcessRunner.RunUncheckedAsync("/usr/bin/getfattr", ["-e", "hex", "-n", "security.capability", file]);
        byte[]? capability = null;
        if (xattr.ExitCode == 0)
        {
            const string Prefix = "security.capability=0x";
            var line = xattr.Stdout.Split('\n').Single(l => l.StartsWith(Prefix, StringComparison.Ordinal));
            capability = Convert.FromHexString(line[Prefix.Length..].Trim());
        }
        else
        {
            Assert.That(xattr.Stderr, Does.Contain("No such attribute"), xattr.CommandLine);
        }

        var uid = long.Parse(await ProcessRunner.RunAsync("/usr/bin/stat", "-c", "%u", file), System.Globalization.CultureInfo.InvariantCulture);
        return new Extracted(tar.Stderr, capability, uid, await File.ReadAllBytesAsync(file));
    }

    /// <summary>What GNU tar listed, and what it made on disk, extracting as root.</summary>
    private static void AssertGnuTarSaw(string listing, Extracted extracted, long uid, byte[]? capability, IResolveConstraint stderr) => Assert.Multiple(() =>
    {
        Assert.That(listing, Does.Contain($" {uid}/0 ").And.Contain(LongName));
        Assert.That(extracted.TarStderr, stderr);
        Assert.That(extracted.Capability, Is.EqualTo(capability));
        Assert.That(extracted.Uid, Is.EqualTo(uid));
        Assert.That(extracted.Content, Is.EqualTo(Content));
    });

    private static void AssertKeepsEverything(TarEntry entry, byte[] data) => Assert.Multiple(() =>
    {
        Assert.That(entry.Name, Is.EqualTo(LongName));
        Assert.That(entry.Uid, Is.EqualTo(LargeUid));
        Assert.That(entry.ExtendedAttributes["security.capability"], Is.EqualTo(Capability));
        Assert.That(data, Is.EqualTo(Content));
    });

    private static void RequireGnuTarAsRoot()
    {
        ProcessRunner.Require("/usr/bin/tar");
        ProcessRunner.Require("/usr/bin/getfattr");
        ProcessRunner.Require("/usr/bin/setfattr");
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: only root may set security.capability and chown to uid 4000000000");
        }
    }

    private sealed record Extracted(string TarStderr, byte[]? Capability, long Uid, byte[] Content);
}
