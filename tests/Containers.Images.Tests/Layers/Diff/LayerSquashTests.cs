using System.Text;
using Containers.Images.Layers;
using Containers.Images.Layers.Diff;
using Containers.Images.Layers.Tar;

namespace Containers.Images.Tests.Layers.Diff;

/// <summary>
/// A stack of three layers with overwrites, whiteouts, opaque directories, replacements both ways
/// and hard links across layers: applying the squash must give what applying the stack gives,
/// onto nothing when flattened, and onto a base with more files when whiteouts are kept.
/// </summary>
public sealed class LayerSquashTests
{
    private string _dir = null!;
    private List<ILayer> _stack = null!;

    [SetUp]
    public async Task SetUp()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: a squash applies the stack onto a scratch directory");
        }

        _dir = Directory.CreateTempSubdirectory("layer-squash-test-").FullName;
        _stack =
        [
            await LayerAsync("l1", Dir("a/"), File("a/x", "1"), File("a/y", "2"), Dir("b/"), File("b/1", "b1"), File("b/2", "b2"), File("c", "c"),
                File("h", "hard"), Dir("d/"), File("d/keep", "k"), Dir("f/"), File("f/inner", "i")),
            await LayerAsync("l2", File("a/x", "1b"), Marker("a/.wh.y"), Marker("b/.wh..wh..opq"), File("b/3", "b3"), Dir("c/"), File("c/in", "in"),
                Hard("h2", "h"), Dir("e/"), File("e/e1", "e"), Marker(".wh.gone"), File("f", "file now"), Marker(".wh.d")),
            await LayerAsync("l3", Marker(".wh.e"), Dir("f/"), File("f/z", "z"), Dir("d/"), File("d/new", "n"), Hard("h3", "h"), Marker(".wh.basefile")),
        ];
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is not null)
        {
            Directory.Delete(_dir, recursive: true);
        }

        Assert.That(Directory.EnumerateDirectories(Path.GetTempPath(), "layer-squash-*").Where(path => !path.Contains("-test-", StringComparison.Ordinal)), Is.Empty, "scratch directories left behind");
    }

    [Test]
    public async Task Flatten_ApplyGivesWhatTheStackGives_WithoutWhiteouts()
    {
        var (written, blob) = await TestLayers.WriteAsync(writer => LayerSquash.FlattenAsync(_stack, writer));

        var entries = await TestLayers.EntriesAsync(blob);
        Assert.That(entries.Select(entry => entry.Name), Has.None.Contain(Whiteout.Prefix));
        Assert.That(entries.Where(entry => entry.Type == TarEntryType.HardLink).Select(entry => entry.Name), Is.EquivalentTo(new[] { "h2", "h3" }));
        Assert.That(written.Entries, Is.EqualTo(entries.Count));
        await AssertSameAsync(blob, Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName);
    }

    [Test]
    public async Task Squash_KeepingWhiteouts_RemovesFromTheBaseWhatTheStackRemoves()
    {
        var (_, blob) = await TestLayers.WriteAsync(writer => LayerSquash.SquashAsync(_stack, writer, keepWhiteouts: true));

        var names = await TestLayers.NamesAsync(blob);
        Assert.That(names.Where(name => name.Contains(Whiteout.Prefix, StringComparison.Ordinal)), Is.EquivalentTo(new[]
        {
            ".wh.basefile", ".wh.e", ".wh.gone", "a/.wh.y", "b/.wh..wh..opq", "c/.wh..wh..opq", "d/.wh..wh..opq", "f/.wh..wh..opq",
        }));
        Assert.That(names.IndexOf("d/.wh..wh..opq"), Is.EqualTo(names.IndexOf("d/") + 1), "an opaque whiteout comes right after its directory");
        await AssertSameAsync(blob, CreateBase());
    }

    /// <summary>
    /// Applies the stack and the squash onto copies of <paramref name="under"/> and compares them.
    /// Directory mtimes are left out: a layer that adds to a directory without an entry for it
    /// leaves the directory with the time of the apply, so the two differ by when they ran.
    /// </summary>
    private async Task AssertSameAsync(byte[] squashed, string under)
    {
        var viaStack = await TestLayers.CopyAsync(under, Path.Combine(_dir, "via-stack"));
        foreach (var layer in _stack)
        {
            await LayerApplier.ApplyAsync(layer, viaStack);
        }

        var viaSquash = await TestLayers.CopyAsync(under, Path.Combine(_dir, "via-squash"));
        await TestLayers.ApplyAsync(squashed, viaSquash);

        var expected = TreeSnapshot.Take(viaStack, directoryTimes: false);
        var actual = TreeSnapshot.Take(viaSquash, directoryTimes: false);
        Assert.That(actual, Is.EqualTo(expected), () => TreeSnapshot.Differences(expected, actual));
    }

    /// <summary>What sits below the stack: paths the stack keeps, overwrites, empties, replaces and deletes.</summary>
    private string CreateBase()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "base")).FullName;
        foreach (var directory in new[] { "a", "b", "c", "d", "e", "f" })
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
            System.IO.File.WriteAllText(Path.Combine(root, directory, "basechild"), directory);
        }

        foreach (var file in new[] { "gone", "basefile", "untouched" })
        {
            System.IO.File.WriteAllText(Path.Combine(root, file), file);
        }

        return root;
    }

    private async Task<ILayer> LayerAsync(string name, params (TarEntry Entry, byte[]? Data)[] entries)
    {
        var path = Path.Combine(_dir, name + ".tar");
        await using (var file = System.IO.File.Create(path))
        await using (var writer = new TarWriter(file))
        {
            foreach (var (entry, data) in entries)
            {
                await writer.WriteEntryAsync(entry with { Size = data?.Length ?? 0, ModificationTime = new UnixTime(1_700_000_000, 5) }, data is null ? null : new MemoryStream(data));
            }

            await writer.CompleteAsync();
        }

        return await TarballLayer.FromFileAsync(path);
    }

    private static (TarEntry, byte[]?) Dir(string name) => (new TarEntry { Name = name, Type = TarEntryType.Directory, Mode = 0x1ed }, null);

    private static (TarEntry, byte[]?) File(string name, string content) => (new TarEntry { Name = name, Type = TarEntryType.RegularFile, Mode = 0x1a4 }, Encoding.UTF8.GetBytes(content));

    private static (TarEntry, byte[]?) Hard(string name, string target) => (new TarEntry { Name = name, Type = TarEntryType.HardLink, LinkName = target }, null);

    private static (TarEntry, byte[]?) Marker(string name) => (new TarEntry { Name = name, Type = TarEntryType.RegularFile }, null);
}
