using Containers.Errors;
using Containers.Images.Layers.Diff;
using Containers.Images.Layers.Tar;
using Containers.Linux;

namespace Containers.Images.Tests.Layers.Diff;

/// <summary>
/// The double walk over a rich tree and a copy of it with one change: the layer must hold just
/// that change (with its parent directories), and applying the lower tree then the layer must
/// give the upper tree exactly, directory mtimes included.
/// </summary>
public sealed class LayerDiffTests
{
    private string _dir = null!;
    private string _lower = null!;
    private string _upper = null!;

    [SetUp]
    public async Task SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("layer-diff-test-").FullName;
        _lower = TestTrees.CreateRich(Path.Combine(_dir, "lower"));
        _upper = await TestLayers.CopyAsync(_lower, Path.Combine(_dir, "upper"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Upper(string path) => Path.Combine(_upper, path);

    [Test]
    public async Task Diff_NothingChanged_HasNoEntries()
    {
        var entries = await AssertDiffAsync();

        Assert.That(entries, Is.Empty);
    }

    [Test]
    public async Task Diff_AddedFile_IsAddedAfterItsParents()
    {
        File.WriteAllText(Upper("usr/bin/new"), "new");

        await AssertDiffAsync("usr/", "usr/bin/", "usr/bin/new");
    }

    [Test]
    public async Task Diff_SameSizeContentChangeWithWholeSecondMtimes_IsFoundByReadingContent()
    {
        SetTimes(Path.Combine(_lower, "etc/passwd"), (1_700_000_000, 0));
        File.WriteAllText(Upper("etc/passwd"), "ROOT:x:0:0:root:/root:/bin/sh\n");
        SetTimes(Upper("etc/passwd"), (1_700_000_000, 0));

        await AssertDiffAsync("etc/", "etc/passwd");
    }

    [Test]
    public async Task Diff_SameContentWithWholeSecondMtimes_IsUnchanged()
    {
        SetTimes(Path.Combine(_lower, "etc/passwd"), (1_700_000_000, 0));
        SetTimes(Upper("etc/passwd"), (1_700_000_000, 0));

        await AssertDiffAsync();
    }

    [Test]
    public async Task Diff_SameSizeAndSameNanosecondMtime_IsTrustedWithoutReading()
    {
        var before = PosixFs.StatAt(null, Upper("etc/passwd")).MTime;
        File.WriteAllText(Upper("etc/passwd"), "ROOT:x:0:0:root:/root:/bin/sh\n");
        SetTimes(Upper("etc/passwd"), before);

        var (written, _) = await DiffAsync();

        Assert.That(written.Entries, Is.Zero, "metadata that matches to the nanosecond decides without reading content, as containerd does");
    }

    [Test]
    public async Task Diff_ModeChangeOnly_IsFound()
    {
        File.SetUnixFileMode(Upper("etc/passwd"), (UnixFileMode)0x180);

        await AssertDiffAsync("etc/", "etc/passwd");
    }

    [Test]
    public async Task Diff_OwnerChangeOnly_IsFound()
    {
        RequireRoot();
        PosixFs.ChangeOwnerAt(null, Upper("etc/passwd"), 7, 8);

        await AssertDiffAsync("etc/", "etc/passwd");
    }

    [Test]
    public async Task Diff_XattrChangeOnly_IsFound()
    {
        PosixFs.SetXattr(Upper("etc/passwd"), "user.comment", "changed"u8);

        await AssertDiffAsync("etc/", "etc/passwd");
    }

    [Test]
    public async Task Diff_RetargetedSymlink_IsReplaced()
    {
        File.Delete(Upper("relative"));
        File.CreateSymbolicLink(Upper("relative"), "etc/passwd");

        var entries = await AssertDiffAsync("relative");

        Assert.That(entries[0].LinkName, Is.EqualTo("etc/passwd"));
    }

    [Test]
    public async Task Diff_DeletedFile_IsWhitedOut()
    {
        File.Delete(Upper("etc/passwd"));

        await AssertDiffAsync("etc/", "etc/.wh.passwd");
    }

    [Test]
    public async Task Diff_DeletedTree_IsOneWhiteout()
    {
        Directory.Delete(Upper("usr"), recursive: true);

        await AssertDiffAsync(".wh.usr");
    }

    [Test]
    public async Task Diff_DirectoryReplacedByFile_IsTheFile()
    {
        Directory.Delete(Upper("usr/bin"), recursive: true);
        File.WriteAllText(Upper("usr/bin"), "now a file");

        await AssertDiffAsync("usr/", "usr/bin");
    }

    [Test]
    public async Task Diff_FileReplacedByDirectory_IsTheWholeDirectory()
    {
        File.Delete(Upper("etc/passwd"));
        Directory.CreateDirectory(Upper("etc/passwd/sub"));
        File.WriteAllText(Upper("etc/passwd/sub/child"), "child");

        await AssertDiffAsync("etc/", "etc/passwd/", "etc/passwd/sub/", "etc/passwd/sub/child");
    }

    [Test]
    public async Task Diff_NewHardLinkToLowerFile_WritesBothLinks()
    {
        PosixFs.LinkAt(null, Upper("usr/bin/su"), null, Upper("usr/bin/su-link"));

        var entries = await AssertDiffAsync("usr/", "usr/bin/", "usr/bin/su", "usr/bin/su-link");

        Assert.That(entries[3], Has.Property(nameof(TarEntry.Type)).EqualTo(TarEntryType.HardLink).And.Property(nameof(TarEntry.LinkName)).EqualTo("usr/bin/su"));
    }

    [Test]
    public async Task Diff_HardLinkMovedToAnEarlierName_RelinksTheUnchangedFile()
    {
        File.Delete(Upper("usr/bin/tool-hardlink"));
        PosixFs.LinkAt(null, Upper("usr/bin/tool"), null, Upper("usr/bin/a-link"));

        var entries = await AssertDiffAsync("usr/", "usr/bin/", "usr/bin/a-link", "usr/bin/tool", "usr/bin/.wh.tool-hardlink");

        Assert.That(entries[3], Has.Property(nameof(TarEntry.Type)).EqualTo(TarEntryType.HardLink).And.Property(nameof(TarEntry.LinkName)).EqualTo("usr/bin/a-link"));
    }

    [Test]
    public async Task Diff_HardLinkMovedToALaterName_LinksToTheUnchangedFile()
    {
        File.Delete(Upper("usr/bin/tool-hardlink"));
        PosixFs.LinkAt(null, Upper("usr/bin/tool"), null, Upper("usr/bin/z-link"));

        var entries = await AssertDiffAsync("usr/", "usr/bin/", "usr/bin/.wh.tool-hardlink", "usr/bin/z-link");

        Assert.That(entries[3], Has.Property(nameof(TarEntry.Type)).EqualTo(TarEntryType.HardLink).And.Property(nameof(TarEntry.LinkName)).EqualTo("usr/bin/tool"));
    }

    [Test]
    public async Task Diff_ManyChangesAtOnce_ApplyGivesTheUpperTree()
    {
        File.WriteAllText(Upper("usr/bin/new"), "new");
        File.Delete(Upper("etc/passwd"));
        Directory.Delete(Upper(new string('d', 120)), recursive: true);
        File.SetUnixFileMode(Upper("usr/bin/su"), (UnixFileMode)0x1ed);
        Directory.CreateDirectory(Upper("empty/now/deep"));
        File.Delete(Upper("fifo"));
        Directory.CreateDirectory(Upper("fifo"));

        var entries = await AssertDiffAsync(null);

        Assert.That(entries.Select(entry => entry.Name), Does.Contain(".wh." + new string('d', 120)).And.Contain("empty/now/deep/").And.Contain("fifo/"));
    }

    [Test]
    public void Diff_MissingLowerDirectory_IsNotFoundNamingIt()
    {
        var missing = Path.Combine(_dir, "missing");

        var error = Assert.ThrowsAsync<NotFoundException>(async () => await TestLayers.WriteAsync(writer => LayerDiff.DiffAsync(missing, _upper, writer)));

        Assert.That(error!.Message, Does.Contain(missing).And.Contain("lower"));
    }

    private static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: only root may chown");
        }
    }

    private static void SetTimes(string path, (long Seconds, uint Nanoseconds) time) => PosixFs.SetTimesAt(null, path, time, time);

    private async Task<(Images.Layers.WrittenLayer Written, byte[] Blob)> DiffAsync() =>
        await TestLayers.WriteAsync(writer => LayerDiff.DiffAsync(_lower, _upper, writer));

    /// <summary>Diffs, checks the entry names (unless null) and that lower + diff equals upper; returns the entries.</summary>
    private async Task<List<TarEntry>> AssertDiffAsync(params string[]? expectedNames)
    {
        var (written, blob) = await DiffAsync();
        var entries = await TestLayers.EntriesAsync(blob);
        if (expectedNames is not null)
        {
            Assert.That(entries.Select(entry => entry.Name), Is.EqualTo(expectedNames));
        }

        Assert.That(written.Entries, Is.EqualTo(entries.Count));
        var target = await TestLayers.ApplyTreeAsync(_lower, Path.Combine(_dir, "target"));
        await TestLayers.ApplyAsync(blob, target);
        var expected = TreeSnapshot.Take(_upper);
        var actual = TreeSnapshot.Take(target);
        Assert.That(actual, Is.EqualTo(expected), () => TreeSnapshot.Differences(expected, actual));
        return entries;
    }
}
