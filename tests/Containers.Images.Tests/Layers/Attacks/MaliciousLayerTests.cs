using System.IO.Compression;
using System.Text;
using Containers.Errors;
using Containers.Images.Layers;
using Containers.Images.Layers.Tar;
using Containers.Images.Tests.Layout;

namespace Containers.Images.Tests.Layers.Attacks;

/// <summary>
/// Hostile layers, each written out header by header with <see cref="RawTar"/>. Every test runs in
/// a sandbox holding the rootfs (<c>root/</c>) beside things an attack would aim at (<c>victim</c>,
/// <c>outside/victim</c>, <c>outside/dir/inner</c>, the empty <c>outside/empty/</c>, the symlink
/// <c>outside/link</c>). The whole sandbox but <c>root/</c> is snapshotted before the test and
/// compared after it, whether the layer was refused or applied: nothing outside the root may change.
/// A refusal must name the entry; where the applier confines instead, the test shows where inside
/// the root the bytes landed.
/// </summary>
public sealed class MaliciousLayerTests
{
    private const string Subject = "layer sha256:attack";
    private const string Pwned = "pwned\n";
    private const string VictimContent = "outside victim\n";

    private static readonly List<string> Sandboxes = [];

    private string _sandbox = null!;
    private string _root = null!;
    private string _outside = null!;
    private string _stack = null!;
    private string _marker = null!;
    private SortedDictionary<string, TreeSnapshot.Node> _baseline = null!;

    /// <summary>The absolute path of the outside victim: what an attacker aims a symlink at.</summary>
    private string Victim => Path.Combine(_outside, "victim");

    /// <summary>Where <see cref="Victim"/>'s path lands when resolved inside the root.</summary>
    private string VictimInRoot => Path.Combine(_root, Victim.TrimStart('/'));

    [SetUp]
    public void SetUp()
    {
        _sandbox = Directory.CreateTempSubdirectory("malicious-layer-").FullName;
        Sandboxes.Add(_sandbox);
        _root = Directory.CreateDirectory(Path.Combine(_sandbox, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_sandbox, "outside")).FullName;
        _stack = Directory.CreateDirectory(Path.Combine(_sandbox, "stack")).FullName;
        Directory.CreateDirectory(Path.Combine(_outside, "dir"));
        Directory.CreateDirectory(Path.Combine(_outside, "empty"));
        File.WriteAllText(Path.Combine(_sandbox, "victim"), "sandbox victim\n");
        File.WriteAllText(Victim, VictimContent);
        File.SetUnixFileMode(Victim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.WriteAllText(Path.Combine(_outside, "dir", "inner"), "inner\n");
        File.CreateSymbolicLink(Path.Combine(_outside, "link"), "victim");
        _marker = $"pwned-{Guid.NewGuid():N}";
        _baseline = TreeSnapshot.Take(_sandbox, "root", "stack");
    }

    [TearDown]
    public void TearDown()
    {
        try
        {
            AssertNothingOutsideRootChanged();
        }
        finally
        {
            Delete(_sandbox);
            Assert.That(Directory.Exists(_sandbox), Is.False, $"the sandbox {_sandbox} leaked");
        }
    }

    [OneTimeTearDown]
    public void SweepLeftovers()
    {
        var leaked = Sandboxes.Where(Directory.Exists).ToList();
        leaked.ForEach(Delete);
        Assert.That(leaked, Is.Empty, "sandboxes were left behind");
    }

    // ---- Names that climb out of the root, or replace it ----

    [Test]
    public async Task Apply_DotDotName_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().File("../outside/victim", Pwned).End());

        AssertRefused(error, "../outside/victim");
    }

    [Test]
    public async Task Apply_DotDotInsideName_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().Directory("a/").File("a/../../outside/x", Pwned).End());

        AssertRefused(error, "a/../../outside/x");
    }

    [Test]
    public async Task Apply_DotSlashDotDotName_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().File("./../victim", Pwned).End());

        AssertRefused(error, "./../victim");
    }

    [Test]
    public async Task Apply_DotDotToTheTempDirectory_IsRefusedAndCreatesNothingThere()
    {
        var name = $"../../{_marker}";

        var error = await AttackAsync(new RawTar().File(name, Pwned).End());

        AssertRefused(error, name);
    }

    [Test]
    public async Task Apply_AbsoluteTmpName_IsConfinedToRoot()
    {
        var error = await AttackAsync(new RawTar().File($"/tmp/{_marker}", Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(_root, "tmp", _marker)), Is.EqualTo(Pwned));
    }

    [Test]
    public async Task Apply_AbsoluteNameOfTheVictim_IsConfinedToRoot()
    {
        var error = await AttackAsync(new RawTar().File(Victim, Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(VictimInRoot), Is.EqualTo(Pwned));
    }

    [TestCase("/")]
    [TestCase(".")]
    [TestCase("./")]
    public async Task Apply_SymlinkReplacingTheRoot_IsRefusedNamingTheEntry(string name)
    {
        var error = await AttackAsync(new RawTar().Symlink(name, _outside).End());

        AssertRefused(error, name);
        Assert.That(TreeSnapshot.Stat(_root).Kind, Is.EqualTo("directory"));
    }

    [Test]
    public async Task Apply_DotSlashAsFile_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().File("./", Pwned).End());

        AssertRefused(error, "./");
    }

    [Test]
    public async Task Apply_UstarPrefixClimbingOut_IsRefusedNamingTheJoinedName()
    {
        var tar = new RawTar().Entry(new RawTar.Header { Name = "outside/victim", Prefix = "..", Size = Pwned.Length }, Encoding.UTF8.GetBytes(Pwned)).End();

        var error = await AttackAsync(tar);

        AssertRefused(error, "../outside/victim");
    }

    [Test]
    public async Task Apply_PaxPathClimbingOut_IsRefusedNamingThePaxPath()
    {
        var error = await AttackAsync(new RawTar().Pax(("path", "../outside/victim")).File("innocent", Pwned).End());

        AssertRefused(error, "../outside/victim");
        Assert.That(Path.Exists(Path.Combine(_root, "innocent")), Is.False);
    }

    [Test]
    public async Task Apply_GnuLongNameClimbingOut_IsRefusedNamingTheLongName()
    {
        var error = await AttackAsync(new RawTar().GnuLongName("../outside/victim").File("innocent", Pwned).End());

        AssertRefused(error, "../outside/victim");
    }

    [Test]
    public async Task Apply_BackslashDotDotName_IsOneOddNameInsideRoot()
    {
        var name = @"..\..\outside\victim";

        var error = await AttackAsync(new RawTar().File(name, Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(_root, name)), Is.EqualTo(Pwned));
    }

    // ---- Symlinks ----

    [Test]
    public async Task Apply_SymlinkToOutsideThenFileThroughItInOneLayer_IsRefused()
    {
        var error = await AttackAsync(new RawTar().Symlink("evil", _outside).File("evil/x", Pwned).End());

        AssertRefused(error, "evil/x");
        Assert.That(new FileInfo(Path.Combine(_root, "evil")).LinkTarget, Is.EqualTo(_outside));
    }

    [Test]
    public async Task Apply_FileThroughOutsideSymlinkLeftByLowerLayer_IsRefused()
    {
        await LowerAsync(new RawTar().Symlink("evil", _outside));

        var error = await AttackAsync(new RawTar().File("evil/victim", Pwned).End());

        AssertRefused(error, "evil/victim");
    }

    [Test]
    public async Task Apply_FileThroughOutsideSymlinkLeftByLowerLayer_LandsOnTheSamePathInsideRoot()
    {
        await LowerAsync(new RawTar().Directory(_outside.TrimStart('/') + "/").Symlink("evil", _outside));

        var error = await AttackAsync(new RawTar().File("evil/victim", Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(VictimInRoot), Is.EqualTo(Pwned));
    }

    [Test]
    public async Task Apply_SymlinkCreatedThroughOutsideSymlink_IsRefused()
    {
        await LowerAsync(new RawTar().Symlink("evil", _outside));

        var error = await AttackAsync(new RawTar().Symlink("evil/planted", "/etc/passwd").End());

        AssertRefused(error, "evil/planted");
    }

    [Test]
    public async Task Apply_DirectoryReplacedByOutsideSymlinkMidLayer_DoesNotReuseTheOpenParent()
    {
        // d/x opens d as the parent of what follows; replacing d with a symlink must not leave d/y landing in the old d, or outside.
        var error = await AttackAsync(new RawTar().Directory("d/").File("d/x", "1\n").Symlink("d", _outside).File("d/y", Pwned).End());

        AssertRefused(error, "d/y");
        Assert.That(new FileInfo(Path.Combine(_root, "d")).LinkTarget, Is.EqualTo(_outside));
    }

    [Test]
    public async Task Apply_RelativeSymlinkClimbingOut_ResolvesAtTheRoot()
    {
        var error = await AttackAsync(new RawTar().Symlink("evil", "../../..").File("evil/outside/victim", Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(_root, "outside/victim")), Is.EqualTo(Pwned));
    }

    [Test]
    public async Task Apply_SymlinkChainClimbingOut_ResolvesAtTheRoot()
    {
        var error = await AttackAsync(new RawTar().Symlink("a", "b").Symlink("b", "../..").File("a/outside/victim", Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(_root, "outside/victim")), Is.EqualTo(Pwned));
        Assert.That(new FileInfo(Path.Combine(_root, "a")).LinkTarget, Is.EqualTo("b"));
    }

    [Test]
    public async Task Apply_SymlinkClimbingToSlashThenTheVictimsRealPath_IsConfinedToRoot()
    {
        await LowerAsync(new RawTar().Symlink("up", "../../../../../../../../../../.."));

        var error = await AttackAsync(new RawTar().File("up" + Victim, Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(VictimInRoot), Is.EqualTo(Pwned));
    }

    [Test]
    public async Task Apply_SymlinkThroughProcMagicLink_IsRefused()
    {
        await LowerAsync(new RawTar().Symlink("evil", "/proc/self/root" + _outside));

        var error = await AttackAsync(new RawTar().File("evil/victim", Pwned).End());

        AssertRefused(error, "evil/victim");
    }

    [Test]
    public async Task Apply_HardLinkThroughOutsideSymlink_IsRefused()
    {
        var error = await AttackAsync(new RawTar().Symlink("evil", _outside).HardLink("h", "evil/victim").End());

        AssertRefused(error, "h");
        Assert.That(Path.Exists(Path.Combine(_root, "h")), Is.False);
    }

    // ---- Hard links ----

    [Test]
    public async Task Apply_HardLinkClimbingOut_IsRefused()
    {
        var error = await AttackAsync(new RawTar().HardLink("h", "../outside/victim").End());

        AssertRefused(error, "h");
    }

    [TestCase("../outside/victim", "escapes the root")]
    [TestCase("./h", "is a hard link to itself")]
    public async Task Apply_HardLinkReplacingALowerFile_IsRefused(string target, string why)
    {
        await LowerAsync(new RawTar().File("h", "lower\n"));

        var error = await AttackAsync(new RawTar().HardLink("h", target).End());

        AssertRefused(error, "h");
        Assert.That(error!.Message, Does.Contain(why));
    }

    [Test]
    public async Task Apply_HardLinkToAbsoluteOutsidePath_IsConfinedAndMissing()
    {
        var error = await AttackAsync(new RawTar().HardLink("h", Victim).End());

        AssertRefused(error, "h");
        Assert.That(error!.Message, Does.Contain("does not exist"));
    }

    [Test]
    public async Task Apply_HardLinkToAbsoluteOutsidePath_LinksTheCopyInsideRoot()
    {
        await LowerAsync(new RawTar().File(Victim, "inside copy\n"));

        var error = await AttackAsync(new RawTar().HardLink("h", Victim).End());

        Assert.That(error, Is.Null);
        Assert.That(TreeSnapshot.Stat(Path.Combine(_root, "h")).Inode, Is.EqualTo(TreeSnapshot.Stat(VictimInRoot).Inode));
    }

    [Test]
    public async Task Apply_HardLinkViaPaxLinkpathClimbingOut_IsRefused()
    {
        var error = await AttackAsync(new RawTar().Pax(("linkpath", "../outside/victim")).HardLink("h", "innocent").End());

        AssertRefused(error, "h");
    }

    [Test]
    public async Task Apply_FileWrittenOverHardLinkToOutsideSymlink_ReplacesTheLinkOnly()
    {
        var error = await AttackAsync(new RawTar().Symlink("s", Victim).HardLink("h", "s").File("h", Pwned, mode: 0x1ff).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(_root, "h")), Is.EqualTo(Pwned));
        Assert.That(new FileInfo(Path.Combine(_root, "s")).LinkTarget, Is.EqualTo(Victim));
    }

    [Test]
    public async Task Apply_FileThroughHardLinkOfOutsideSymlink_IsRefused()
    {
        await LowerAsync(new RawTar().Symlink("s", _outside).HardLink("h", "s"));

        var error = await AttackAsync(new RawTar().File("h/victim", Pwned).End());

        AssertRefused(error, "h/victim");
    }

    [Test]
    public async Task Apply_HardLinkToADirectory_IsRefused()
    {
        var error = await AttackAsync(new RawTar().Directory("d/").HardLink("h", "d").End());

        AssertRefused(error, "h");
    }

    // ---- Entries over symlinks that point outside ----

    [Test]
    public async Task Apply_DirectoryOverOutsideSymlink_ReplacesTheSymlink()
    {
        await LowerAsync(new RawTar().Symlink("d", _outside + "/empty"));

        var error = await AttackAsync(new RawTar().Directory("d/", mode: 0x1ff).File("d/file", Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(TreeSnapshot.Stat(Path.Combine(_root, "d")).Kind, Is.EqualTo("directory"));
        Assert.That(File.ReadAllText(Path.Combine(_root, "d/file")), Is.EqualTo(Pwned));
    }

    [Test]
    public async Task Apply_FileWithMode777OverOutsideSymlink_LeavesTheVictimsMode()
    {
        await LowerAsync(new RawTar().Symlink("s", Victim));

        var error = await AttackAsync(new RawTar().File("s", Pwned, mode: 0x1ff).End());

        Assert.That(error, Is.Null);
        Assert.That(TreeSnapshot.Stat(Path.Combine(_root, "s")), Has.Property("Kind").EqualTo("file").And.Property("Mode").EqualTo("777"));
    }

    [Test]
    public async Task Apply_DirectoryWithMode777AndOwnerOverOutsideSymlink_LeavesTheVictim()
    {
        await LowerAsync(new RawTar().Symlink("s", Victim));

        var error = await AttackAsync(new RawTar().Directory("s/", mode: 0x1ff, uid: 4242, gid: 4242).End());

        Assert.That(error, Is.Null);
        var node = TreeSnapshot.Stat(Path.Combine(_root, "s"));
        Assert.That(node, Has.Property("Kind").EqualTo("directory").And.Property("Mode").EqualTo("777"));
        if (Environment.IsPrivilegedProcess)
        {
            Assert.That(node.Uid, Is.EqualTo(4242));
        }
    }

    [Test]
    public async Task Apply_SymlinkWithOwnerAndXattrOverOutsideSymlink_LeavesTheVictim()
    {
        await LowerAsync(new RawTar().Symlink("s", Victim));
        var tar = new RawTar()
            .Pax(("SCHILY.xattr.user.pwned", "1"), ("SCHILY.xattr.trusted.pwned", "1"))
            .Entry(new RawTar.Header { Name = "s", Type = '2', Mode = 0xfff, LinkName = Victim, Uid = 4242, Gid = 4242 })
            .End();

        var error = await AttackAsync(tar);

        Assert.That(error, Is.Null);
        Assert.That(new FileInfo(Path.Combine(_root, "s")).LinkTarget, Is.EqualTo(Victim));
    }

    [Test]
    public async Task Apply_FifoOverOutsideSymlink_ReplacesTheSymlink()
    {
        await LowerAsync(new RawTar().Symlink("s", Victim));

        var error = await AttackAsync(new RawTar().Fifo("s", mode: 0x1ff).End());

        Assert.That(error, Is.Null);
        Assert.That(TreeSnapshot.Stat(Path.Combine(_root, "s")).Kind, Is.EqualTo("fifo"));
    }

    [Test]
    public async Task Apply_DeviceNodeOverOutsideSymlink_ReplacesTheSymlink()
    {
        RequireRoot("device nodes");
        await LowerAsync(new RawTar().Symlink("s", Victim));

        var error = await AttackAsync(new RawTar().CharDevice("s", 1, 3).End());

        Assert.That(error, Is.Null);
        Assert.That(TreeSnapshot.Stat(Path.Combine(_root, "s")).Kind, Is.EqualTo("char device"));
    }

    // ---- Whiteouts ----

    [TestCase(".wh..")]
    [TestCase(".wh.")]
    [TestCase(".wh...")]
    [TestCase("d/.wh..")]
    public async Task Apply_MalformedWhiteout_IsRefusedNamingTheEntry(string name)
    {
        await LowerAsync(new RawTar().Directory("d/").File("d/keep", "keep\n"));

        var error = await AttackAsync(new RawTar().File(name, string.Empty).End());

        AssertRefused(error, name);
        Assert.That(File.Exists(Path.Combine(_root, "d/keep")), Is.True);
    }

    [Test]
    public async Task Apply_WhiteoutClimbingOut_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().File("../.wh.victim", string.Empty).End());

        AssertRefused(error, "../.wh.victim");
    }

    [Test]
    public async Task Apply_WhiteoutThroughOutsideSymlink_RemovesNothingOutside()
    {
        await LowerAsync(new RawTar().Symlink("evil", _outside));

        var error = await AttackAsync(new RawTar().File("evil/.wh.victim", string.Empty).File("evil/.wh.dir", string.Empty).End());

        Assert.That(error, Is.Null);
        Assert.That(new FileInfo(Path.Combine(_root, "evil")).LinkTarget, Is.EqualTo(_outside));
    }

    [Test]
    public async Task Apply_WhiteoutThroughOutsideSymlink_RemovesTheCopyInsideRoot()
    {
        await LowerAsync(new RawTar().File(Victim, "inside copy\n").Symlink("evil", _outside));

        var error = await AttackAsync(new RawTar().File("evil/.wh.victim", string.Empty).End());

        Assert.That(error, Is.Null);
        Assert.That(Path.Exists(VictimInRoot), Is.False);
    }

    [Test]
    public async Task Apply_WhiteoutOfOutsideSymlink_RemovesTheSymlinkNotItsTarget()
    {
        await LowerAsync(new RawTar().Symlink("evil", Victim).Symlink("evil-dir", _outside));

        var error = await AttackAsync(new RawTar().File(".wh.evil", string.Empty).File(".wh.evil-dir", string.Empty).End());

        Assert.That(error, Is.Null);
        Assert.That(Directory.EnumerateFileSystemEntries(_root), Is.Empty);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Apply_OpaqueWhiteoutThroughOutsideSymlink_IsRefused(bool absolute)
    {
        await LowerAsync(new RawTar().Symlink("evil", absolute ? _outside : "../../outside"));

        var error = await AttackAsync(new RawTar().File("evil/.wh..wh..opq", string.Empty).End());

        AssertRefused(error, "evil/.wh..wh..opq");
    }

    [Test]
    public async Task Apply_WhiteoutOfATreeDeeperThanTheStackCouldRecurse_RemovesIt()
    {
        // Each name stays far under PATH_MAX, but symlinks let each entry start where the last one ended:
        // deep/a/a/... ends up 5001 directories deep, a tree no recursive rm -rf should walk on a small stack.
        const int Chunks = 5;
        var chunk = string.Join('/', Enumerable.Repeat("a", 1000));
        var lower = new RawTar().Pax(("path", $"deep/{chunk}/")).Directory("placeholder/");
        for (var i = 1; i < Chunks; i++)
        {
            var start = i == 1 ? "deep" : $"l{i - 1}";
            lower.Pax(("linkpath", $"{start}/{chunk}")).Symlink($"l{i}", "placeholder");
            lower.Pax(("path", $"l{i}/{chunk}/")).Directory("placeholder/");
        }

        await LowerAsync(lower);
        Assert.That(TreeSnapshot.Exists(Path.Combine(_root, $"l{Chunks - 1}", chunk)), Is.True);

        // A thread with a 256 KiB stack: removing 5001 levels by recursion would overflow it and kill the process.
        Exception? error = null;
        var thread = new Thread(() => error = AttackAsync(new RawTar().File(".wh.deep", string.Empty).End()).GetAwaiter().GetResult(), 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.That(error, Is.Null);
        Assert.That(TreeSnapshot.Exists(Path.Combine(_root, "deep")), Is.False);
    }

    // ---- Caps ----

    [Test]
    public async Task Apply_GzipBomb_StopsAtMaxBytes()
    {
        const long BombSize = 200L << 20;
        var output = new MemoryStream();
        await using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(new RawTar().Entry(new RawTar.Header { Name = "bomb", Size = BombSize }).ToArray());
            var zeros = new byte[1 << 20];
            for (var written = 0L; written < BombSize + (2 * RawTar.Block); written += zeros.Length)
            {
                gzip.Write(zeros);
            }
        }

        Assert.That(output.Length, Is.LessThan(1 << 20), "the bomb is small compressed");
        var options = new LayerApplyOptions { Limits = TarReaderOptions.Default with { MaxBytes = 10L << 20 } };

        var error = await AttackAsync(output.ToArray(), options);

        AssertLimit(error, nameof(TarReaderOptions.MaxBytes));
        Assert.That(new FileInfo(Path.Combine(_root, "bomb")).Length, Is.LessThanOrEqualTo(10L << 20));
    }

    [Test]
    public async Task Apply_MoreEntriesThanMaxEntries_IsRefused()
    {
        var tar = new RawTar();
        for (var i = 0; i < 20; i++)
        {
            tar.File($"f{i}", string.Empty);
        }

        var error = await AttackAsync(tar.End(), new LayerApplyOptions { Limits = TarReaderOptions.Default with { MaxEntries = 10 } });

        AssertLimit(error, nameof(TarReaderOptions.MaxEntries));
    }

    [Test]
    public async Task Apply_PaxHeaderOverMaxPaxHeaderSize_IsRefused()
    {
        var tar = new RawTar().Pax(("comment", new string('A', 64 * 1024))).File("f", Pwned).End();

        var error = await AttackAsync(tar, new LayerApplyOptions { Limits = TarReaderOptions.Default with { MaxPaxHeaderSize = 4096 } });

        AssertLimit(error, nameof(TarReaderOptions.MaxPaxHeaderSize));
    }

    [Test]
    public async Task Apply_PaxPathOverMaxPathLength_IsRefused()
    {
        var error = await AttackAsync(new RawTar().Pax(("path", string.Concat(Enumerable.Repeat("a/", 2100)) + "f")).File("f", Pwned).End());

        AssertLimit(error, nameof(TarReaderOptions.MaxPathLength));
    }

    [Test]
    public async Task Apply_GnuLongNameOverMaxPathLength_IsRefused()
    {
        var error = await AttackAsync(new RawTar().GnuLongName(new string('a', 5000)).File("f", Pwned).End());

        AssertLimit(error, nameof(TarReaderOptions.MaxPathLength));
    }

    [Test]
    public async Task Apply_PaxLinkpathOverMaxPathLength_IsRefused()
    {
        var error = await AttackAsync(new RawTar().Pax(("linkpath", new string('a', 5000))).Symlink("s", "x").End());

        AssertLimit(error, nameof(TarReaderOptions.MaxPathLength));
        Assert.That(error!.Message, Does.Contain("entry \"s\""));
    }

    // ---- Malformed headers ----

    [Test]
    public async Task Apply_BadChecksum_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().File("fine", "1\n").Entry(new RawTar.Header { Name = "corrupt", Checksum = 1234 }).End());

        AssertRefused(error, "corrupt");
        Assert.That(error!.Message, Does.Contain("checksum"));
    }

    [Test]
    public async Task Apply_NegativeBase256Size_IsRefusedNamingTheEntry()
    {
        var size = Enumerable.Repeat((byte)0xff, 12).ToArray();

        var error = await AttackAsync(new RawTar().Entry(new RawTar.Header { Name = "negative", SizeField = size }).End());

        AssertRefused(error, "negative");
    }

    [Test]
    public async Task Apply_GarbageOctalSize_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().Entry(new RawTar.Header { Name = "garbage", SizeField = "-0000000012\0"u8.ToArray() }).End());

        AssertRefused(error, "garbage");
    }

    [Test]
    public async Task Apply_SizeBeyondTheStream_IsRefusedNamingTheEntry()
    {
        var tar = new RawTar().Entry(new RawTar.Header { Name = "truncated", Size = 1 << 20 }, new byte[1000]);

        var error = await AttackAsync(tar.ToArray());

        AssertRefused(error, "truncated");
    }

    [Test]
    public async Task Apply_HeaderCutShort_IsRefused()
    {
        var tar = new RawTar().File("fine", "1\n").ToArray();

        var error = await AttackAsync([.. tar, .. new RawTar().File("cut", "2\n").ToArray().AsSpan(0, 300)]);

        AssertRefused(error, "cut");
        Assert.That(error!.Message, Does.Contain("truncated"));
    }

    [Test]
    public async Task Apply_PaxSizeLargerThanTheContent_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().Pax(("size", "1000000")).File("liar", Pwned).End());

        AssertRefused(error, "liar");
    }

    [Test]
    public async Task Apply_PaxSizeSmallerThanTheContent_IsRefusedNamingTheEntry()
    {
        var content = Encoding.ASCII.GetBytes(new string('x', 1500));

        var error = await AttackAsync(new RawTar().Pax(("size", "0")).Entry(new RawTar.Header { Name = "liar", Size = content.Length }, content).End());

        AssertRefused(error, "liar");
    }

    [Test]
    public async Task Apply_PaxSizeZeroSmugglingAHiddenHeader_IsRefusedNamingTheHiddenEntry()
    {
        // Readers that trust the ustar size see one file; a PAX reader sees the header hidden in its content.
        var hidden = new RawTar().File("../outside/victim", Pwned).ToArray();

        var error = await AttackAsync(new RawTar().Pax(("size", "0")).Entry(new RawTar.Header { Name = "cover", Size = hidden.Length }, hidden).End());

        AssertRefused(error, "../outside/victim");
    }

    [Test]
    public async Task Apply_GnuSparseFile_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().Entry(new RawTar.Header { Name = "sparse", Type = 'S' }).End());

        AssertRefused(error, "sparse");
    }

    [Test]
    public async Task Apply_PaxSparseFile_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().Pax(("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.name", "sparse")).File("GNUSparseFile.0/sparse", "x").End());

        AssertRefused(error, "GNUSparseFile.0/sparse");
    }

    [TestCase("99 path=x\n")]
    [TestCase("8 path=x\n")]
    [TestCase("9 path=xx")]
    [TestCase("abc path=x\n")]
    [TestCase("5 =x\n")]
    public async Task Apply_MalformedPaxRecord_IsRefusedNamingThePaxHeader(string records)
    {
        var error = await AttackAsync(new RawTar().PaxRaw(Encoding.ASCII.GetBytes(records), "PaxHeaders/victim").File("victim", Pwned).End());

        AssertRefused(error, "PaxHeaders/victim");
        Assert.That(Path.Exists(Path.Combine(_root, "victim")), Is.False);
    }

    [Test]
    public async Task Apply_NulInsidePaxPath_IsRefusedNamingTheEntry()
    {
        var records = RawTar.Records(("path", Encoding.UTF8.GetBytes("evil\0/../../outside/victim")));

        var error = await AttackAsync(new RawTar().PaxRaw(records).File("innocent", Pwned).End());

        AssertRefused(error, @"evil\0/../../outside/victim");
        Assert.That(error!.Message, Does.Not.Contain("\0"), "the NUL is shown, not embedded");
        Assert.That(Path.Exists(Path.Combine(_root, "evil")), Is.False, "a C reader would cut the name at the NUL");
    }

    [Test]
    public async Task Apply_UnsupportedEntryType_IsRefusedNamingTheEntry()
    {
        var error = await AttackAsync(new RawTar().Entry(new RawTar.Header { Name = "volume", Type = 'M', Size = 512 }, new byte[512]).End());

        AssertRefused(error, "volume");
    }

    // ---- Digests and stacks ----

    [Test]
    public async Task Apply_WrongDiffId_IsRefusedNamingTheLayer()
    {
        var wrong = Digest.Compute("some other layer"u8);

        var error = await AttackAsync(new RawTar().File("f", Pwned).End(), diffId: wrong);

        Assert.That(error, Is.InstanceOf<DigestMismatchException>());
        Assert.That(error!.Message, Does.Contain(Subject).And.Contain(wrong.ToString()));
    }

    [Test]
    public async Task ApplyStack_SecondLayerEscaping_LeavesNoRootfsAndNoStaging()
    {
        var lower = new BytesLayer(new RawTar().Directory("etc/").File("etc/passwd", "root:x:0:0\n").End().ToArray());
        var upper = new BytesLayer(new RawTar().File("../../outside/victim", Pwned).End().ToArray());
        var rootfs = Path.Combine(_stack, "rootfs");

        var error = await CatchAsync(async () => await LayerApplier.ApplyStackAsync([lower, upper], rootfs));

        Assert.That(error, Is.InstanceOf<InvalidArgumentException>());
        Assert.That(error!.Message, Does.Contain($"layer {upper.Digest.ToShortString()}").And.Contain("entry \"../../outside/victim\""));
        Assert.That(Directory.EnumerateFileSystemEntries(_stack), Is.Empty, "no rootfs and no .partial-* staging directory");
    }

    [Test]
    public async Task ApplyStack_SecondLayerWithWrongDiffId_LeavesNoRootfsAndNoStaging()
    {
        var lower = new BytesLayer(new RawTar().File("a", "1\n").End().ToArray());
        var upper = new BytesLayer(new RawTar().File("b", Pwned).End().ToArray(), Digest.Compute("declared"u8));
        var rootfs = Path.Combine(_stack, "rootfs");

        var error = await CatchAsync(async () => await LayerApplier.ApplyStackAsync([lower, upper], rootfs));

        Assert.That(error, Is.InstanceOf<DigestMismatchException>());
        Assert.That(Directory.EnumerateFileSystemEntries(_stack), Is.Empty, "no rootfs and no .partial-* staging directory");
    }

    // ---- Names ----

    [Test]
    public async Task Apply_SetuidFileOwnedByRoot_IsKept()
    {
        var error = await AttackAsync(new RawTar().Directory("usr/").Directory("usr/bin/").File("usr/bin/su", "#!/bin/sh\n", mode: 0x9ed).End());

        Assert.That(error, Is.Null);
        var node = TreeSnapshot.Stat(Path.Combine(_root, "usr/bin/su"));
        Assert.That(node.Mode, Is.EqualTo("4755"), "chown clears setuid, so the mode must be set after it");
        if (Environment.IsPrivilegedProcess)
        {
            Assert.That(node.Uid, Is.Zero);
        }
    }

    [Test]
    public async Task Apply_NameWithNewline_IsKeptInsideRoot()
    {
        // Linux allows any byte but '/' and NUL in a name, and Docker and GNU tar keep such files: so do we.
        var error = await AttackAsync(new RawTar().File("evil\nname", Pwned).End());

        Assert.That(error, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(_root, "evil\nname")), Is.EqualTo(Pwned));
    }

    [Test]
    public async Task Apply_NameWithNewlineClimbingOut_IsRefusedNamingTheEntry()
    {
        var name = "evil\n/../../outside/victim";

        var error = await AttackAsync(new RawTar().Pax(("path", name)).File("innocent", Pwned).End());

        AssertRefused(error, name);
    }

    [Test]
    public async Task Apply_NameOf4097Bytes_IsRefusedNamingTheLimit()
    {
        var name = string.Concat(Enumerable.Repeat("d/", 2048)) + "f";

        var error = await AttackAsync(new RawTar().Pax(("path", name)).File("f", Pwned).End());

        AssertLimit(error, nameof(TarReaderOptions.MaxPathLength));
    }

    [Test]
    public async Task Apply_ComponentLongerThanNameMax_IsRefusedNamingTheEntry()
    {
        var name = "dir/" + new string('n', 300);

        var error = await AttackAsync(new RawTar().Pax(("path", name)).File("f", Pwned).End());

        Assert.That(error, Is.InstanceOf<IOException>(), "ENAMETOOLONG, from the kernel");
        Assert.That(error!.Message, Does.Contain(Subject).And.Contain($"entry \"{name}\"").And.Contain("(errno 36)"));
    }

    // ---- Helpers ----

    private async Task LowerAsync(RawTar tar) =>
        await LayerApplier.ApplyAsync(new MemoryStream(tar.End().ToArray()), _root, subject: "lower layer");

    private Task<Exception?> AttackAsync(RawTar tar, LayerApplyOptions? options = null, Digest? diffId = null) =>
        AttackAsync(tar.ToArray(), options, diffId);

    /// <summary>Applies the attack, then checks the sandbox whether it was refused or not; returns what it threw.</summary>
    private async Task<Exception?> AttackAsync(byte[] layer, LayerApplyOptions? options = null, Digest? diffId = null)
    {
        var error = await CatchAsync(async () => await LayerApplier.ApplyAsync(new MemoryStream(layer), _root, diffId, options, Subject));
        TestContext.Out.WriteLine(error is null ? "applied" : $"{error.GetType().Name}: {error.Message}");
        AssertNothingOutsideRootChanged();
        return error;
    }

    private static async Task<Exception?> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private void AssertNothingOutsideRootChanged()
    {
        var differences = TreeSnapshot.Differences(_baseline, TreeSnapshot.Take(_sandbox, "root", "stack"));
        Assert.That(differences, Is.Empty, "the layer changed the sandbox outside root/");
        Assert.That(Directory.EnumerateFileSystemEntries(_stack), Is.Empty, "stack/ holds nothing after a test");
        foreach (var directory in new[] { Path.GetTempPath(), Path.GetDirectoryName(_sandbox)!, "/", "/tmp" })
        {
            Assert.That(TreeSnapshot.Exists(Path.Combine(directory, _marker)), Is.False, $"the layer made {_marker} in {directory}");
        }
    }

    private static void AssertRefused(Exception? error, string entry)
    {
        Assert.That(error, Is.InstanceOf<InvalidArgumentException>(), () => $"expected a refusal naming entry \"{entry}\", got {error}");
        Assert.That(error!.Message, Does.Contain(Subject).And.Contain($"entry \"{entry}\""));
    }

    private static void AssertLimit(Exception? error, string knob)
    {
        Assert.That(error, Is.InstanceOf<InvalidArgumentException>(), () => $"expected {knob} to stop the layer, got {error}");
        Assert.That(error!.Message, Does.Contain(Subject).And.Contain($"{nameof(TarReaderOptions)}.{knob}"));
    }

    private static void RequireRoot(string what)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore($"needs root: {what}");
        }
    }

    private static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Trees deeper than PATH_MAX defeat Directory.Delete; rm walks them with *at calls.
            ProcessRunner.RunAsync("/bin/rm", "-rf", path).GetAwaiter().GetResult();
        }
    }
}
