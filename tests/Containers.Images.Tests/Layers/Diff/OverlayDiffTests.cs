using Containers.Images.Layers.Diff;
using Containers.Images.Layers.Tar;
using Containers.Linux;

namespace Containers.Images.Tests.Layers.Diff;

/// <summary>
/// Real overlayfs mounts: changes made through the merged view, then the upper directory diffed
/// against the lower one. Applying the lower tree then the layer must give the merged view, and
/// the fast path must write only what changed.
/// </summary>
public sealed class OverlayDiffTests
{
    private const int Directories = 20;

    private string _dir = null!;
    private string _lower = null!;
    private string _upper = null!;
    private string _work = null!;
    private string _merged = null!;

    [SetUp]
    public void SetUp()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: mounts overlayfs");
        }

        _dir = Directory.CreateTempSubdirectory("overlay-diff-test-").FullName;
        _lower = Directory.CreateDirectory(Path.Combine(_dir, "lower")).FullName;
        _upper = Directory.CreateDirectory(Path.Combine(_dir, "upper")).FullName;
        _work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        _merged = Directory.CreateDirectory(Path.Combine(_dir, "merged")).FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is null)
        {
            return;
        }

        // The library mounts its views under "layer-diff-" scratch directories; none may outlive a diff.
        var leaked = TestLayers.MountsContaining(_dir).Concat(TestLayers.MountsContaining("/layer-diff-")).ToList();
        foreach (var mount in Enumerable.Reverse(leaked))
        {
            PosixFs.Unmount(mount, LibC.MNT_DETACH);
        }

        Directory.Delete(_dir, recursive: true);
        _dir = null!;
        Assert.That(leaked, Is.Empty, "mounts left behind");
    }

    [Test]
    public async Task DiffOverlay_ChangesThroughTheMount_WritesOnlyThemAndApplyGivesTheMergedView()
    {
        const int filesPerDirectory = 100;
        FillLower(filesPerDirectory);
        var merged = await ChangeThroughMountAsync(string.Empty, () =>
        {
            File.WriteAllText(Merged("new.txt"), "new");
            File.WriteAllText(Merged("d01/f001"), "overwritten");
            File.Delete(Merged("d02/f002"));
            Directory.Delete(Merged("d03"), recursive: true);
            Directory.CreateDirectory(Merged("d03"));
            File.WriteAllText(Merged("d03/fresh"), "fresh");
            File.SetUnixFileMode(Merged("d04/f004"), (UnixFileMode)0x180);
        });

        var entries = await AssertDiffAsync(merged);

        Assert.That(entries.Select(entry => entry.Name), Is.EqualTo(new[]
        {
            "d01/", "d01/f001", "d02/", "d02/.wh.f002", "d03/", "d03/.wh..wh..opq", "d03/fresh", "d04/", "d04/f004", "new.txt",
        }), $"the lower directory has {Directories * filesPerDirectory} files, but only these changed");
    }

    [Test]
    public async Task DiffOverlay_DirectoryRenamedWithRedirectDir_FallsBackAndStaysCorrect()
    {
        const int filesPerDirectory = 5;
        FillLower(filesPerDirectory);
        var merged = await ChangeThroughMountAsync(",redirect_dir=on", () =>
        {
            Directory.Move(Merged("d05"), Merged("moved"));
            File.WriteAllText(Merged("moved/extra"), "extra");
        });
        Assert.That(PosixFs.GetXattr(Path.Combine(_upper, "moved"), "trusted.overlay.redirect"), Is.Not.Null, "the rename must have made a redirect for this test to mean anything");

        var entries = await AssertDiffAsync(merged);

        var names = entries.Select(entry => entry.Name).ToList();
        Assert.That(names, Does.Contain(".wh.d05").And.Contain("moved/").And.Contain("moved/extra").And.Contain("moved/f004"));
        Assert.That(names, Has.Count.EqualTo(filesPerDirectory + 3), "the old name's whiteout, and the new directory with everything in it");
    }

    [Test]
    public async Task DiffOverlay_MetacopyFileOverTwoLowers_FallsBackAndKeepsTheContent()
    {
        FillLower(filesPerDirectory: 10);
        var top = Directory.CreateDirectory(Path.Combine(_dir, "top/d06")).Parent!.FullName;
        File.WriteAllText(Path.Combine(top, "d06/f006"), "from the top lower\n");
        File.WriteAllText(Path.Combine(top, "d06/extra"), "extra\n");
        var merged = await ChangeThroughMountAsync(",redirect_dir=on,metacopy=on", () => File.SetUnixFileMode(Merged("d06/f006"), (UnixFileMode)0x180), top);
        Assert.That(PosixFs.GetXattr(Path.Combine(_upper, "d06/f006"), "trusted.overlay.metacopy"), Is.Not.Null, "chmod must have made a metadata-only copy for this test to mean anything");

        var entries = await AssertDiffAsync(merged, top);

        Assert.That(entries.Select(entry => entry.Name), Is.EqualTo(new[] { "d06/", "d06/f006" }));
        Assert.That(entries[1].Size, Is.EqualTo("from the top lower\n".Length));
    }

    private string Merged(string path) => Path.Combine(_merged, path);

    private void FillLower(int filesPerDirectory)
    {
        for (var d = 0; d < Directories; d++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(_lower, $"d{d:D2}")).FullName;
            for (var f = 0; f < filesPerDirectory; f++)
            {
                File.WriteAllText(Path.Combine(directory, $"f{f:D3}"), $"file {d}/{f}\n");
            }
        }
    }

    /// <summary>
    /// Mounts the overlay (<paramref name="top"/>, when given, over the lower directory), runs
    /// <paramref name="change"/> through it, and returns a snapshot of the merged view.
    /// </summary>
    private async Task<SortedDictionary<string, string>> ChangeThroughMountAsync(string options, Action change, string? top = null)
    {
        var lowers = top is null ? _lower : $"{top}:{_lower}";
        PosixFs.Mount("overlay", _merged, "overlay", 0, $"lowerdir={lowers},upperdir={_upper},workdir={_work}{options}");
        try
        {
            change();
            return await Task.FromResult(TreeSnapshot.Take(_merged));
        }
        finally
        {
            PosixFs.Unmount(_merged);
        }
    }

    /// <summary>Diffs the upper directory, checks that lower(s) + diff equals the merged view, and returns the entries.</summary>
    private async Task<List<TarEntry>> AssertDiffAsync(SortedDictionary<string, string> merged, string? top = null)
    {
        var (written, blob) = await TestLayers.WriteAsync(writer => LayerDiff.DiffOverlayAsync(_upper, top is null ? [_lower] : [top, _lower], writer));
        var entries = await TestLayers.EntriesAsync(blob);
        Assert.That(written.Entries, Is.EqualTo(entries.Count));
        var target = await TestLayers.ApplyTreeAsync(_lower, Path.Combine(_dir, "target"));
        if (top is not null)
        {
            await TestLayers.ApplyTreeAsync(top, target);
        }

        await TestLayers.ApplyAsync(blob, target);
        var actual = TreeSnapshot.Take(target);
        Assert.That(actual, Is.EqualTo(merged), () => TreeSnapshot.Differences(merged, actual));
        return entries;
    }
}
