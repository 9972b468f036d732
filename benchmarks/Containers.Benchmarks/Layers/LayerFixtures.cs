using Containers.Images;
using Containers.Images.Layers;
using Containers.Images.Layers.Tar;
using Containers.Images.Layout;
using Containers.Linux;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// The inputs the layer suites share, each built once and cached by <see cref="BenchDirectories"/>:
/// the tree, the tree with every file changed, our gzip layer of the tree, and an OCI layout that
/// holds that layer as a one-layer image tagged <see cref="Tag"/>.
/// </summary>
internal static class LayerFixtures
{
    public const string Tag = "tree";

    private static readonly Lazy<TreePlan> LazyPlan = new(BenchmarkTrees.Plan);

    public static TreePlan Plan => LazyPlan.Value;

    public static string Tree => BenchDirectories.GetOrBuild("tree", path => BenchmarkTrees.Write(Plan, path));

    /// <summary>The same names and sizes as <see cref="Tree"/>, with every file's bytes and mtime changed.</summary>
    public static string TreeAllChanged => BenchDirectories.GetOrBuild("tree-all-changed", path => BenchmarkTrees.Write(Plan, path, variant: 1));

    /// <summary>Our gzip layer of <see cref="Tree"/> (<see cref="LayerWriter"/>, default options), with its DiffID.</summary>
    public static (string Path, Digest DiffId) GzipLayer
    {
        get
        {
            var directory = BenchDirectories.GetOrBuild("layer", path =>
            {
                Directory.CreateDirectory(path);
                var written = LayerWriter.CreateAsync(Tree, Path.Combine(path, "layer.tar.gz")).AsTask().GetAwaiter().GetResult();
                File.WriteAllText(Path.Combine(path, "diffid"), written.DiffId.ToString());
            });
            return (Path.Combine(directory, "layer.tar.gz"), Digest.Parse(File.ReadAllText(Path.Combine(directory, "diffid"))));
        }
    }

    /// <summary>The same layer uncompressed: the same tar, so the same DiffID.</summary>
    public static string PlainLayer => Path.Combine(
        BenchDirectories.GetOrBuild("layer-plain", path =>
        {
            Directory.CreateDirectory(path);
            LayerWriter.CreateAsync(Tree, Path.Combine(path, "layer.tar"), new LayerWriterOptions { Compression = LayerCompression.None }).AsTask().GetAwaiter().GetResult();
        }),
        "layer.tar");

    /// <summary>Reads a file to the end, so it is in the page cache before anyone is timed reading it.</summary>
    public static void ReadThrough(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        while (file.Read(buffer) > 0)
        {
        }
    }

    /// <summary>An OCI layout with one image, tagged <see cref="Tag"/>, whose only layer is <see cref="GzipLayer"/>.</summary>
    public static string Layout => BenchDirectories.GetOrBuild("layout", path =>
    {
        var layer = TarballLayer.FromFileAsync(GzipLayer.Path).AsTask().GetAwaiter().GetResult();
        var image = Mutate.AppendLayers(Image.Empty(new Platform { OS = "linux", Architecture = "amd64" }), layer);
        var layout = OciLayout.OpenOrCreateAsync(path).AsTask().GetAwaiter().GetResult();
        layout.WriteImageAsync(image, Tag).AsTask().GetAwaiter().GetResult();
    });

    /// <summary>
    /// umoci's side of a full create: a bundle unpacked from an empty image, whose rootfs then gets a
    /// copy of <see cref="Tree"/>, so that <c>umoci repack</c> finds every file new.
    /// </summary>
    public static UmociWorkspace UmociFullRepack => new(BenchDirectories.GetOrBuild("umoci-full-repack", path =>
        UmociWorkspace.Create(path, sourceLayout: null, "empty", rootfs => Tool.Run("cp", "-a", $"{Tree}/.", rootfs))));

    /// <summary>The files <paramref name="change"/> rewrites.</summary>
    public static IReadOnlyList<PlannedFile> ChangedFiles(TreeChange change) =>
        change == TreeChange.TenFiles ? BenchmarkTrees.SmallChange(Plan) : Plan.Files;

    /// <summary>
    /// The upper tree of a double-walk diff: a full copy of <see cref="Tree"/> (<c>cp -a</c>, so
    /// unchanged files keep their mtimes but not their inodes) with the changed files rewritten.
    /// </summary>
    public static string ChangedTree(TreeChange change) => change == TreeChange.EveryFile
        ? TreeAllChanged
        : BenchDirectories.GetOrBuild("tree-ten-changed", path =>
        {
            Tool.Run("cp", "-a", Tree, path);
            BenchmarkTrees.Rewrite(path, ChangedFiles(change), variant: 1);
        });

    /// <summary>
    /// An overlayfs upper directory as a container leaves it: <see cref="Tree"/> was mounted as
    /// the lower directory, the changed files were rewritten through the merged mount, and the
    /// mount is gone.
    /// </summary>
    public static string OverlayUpper(TreeChange change) => Path.Combine(
        BenchDirectories.GetOrBuild($"overlay-{Name(change)}", path => WriteThroughOverlay(path, Tree, ChangedFiles(change))),
        "upper");

    /// <summary>umoci's side of a diff: the image of <see cref="Layout"/> unpacked, then the changed files rewritten in the rootfs.</summary>
    public static UmociWorkspace UmociChanged(TreeChange change) => new(BenchDirectories.GetOrBuild($"umoci-{Name(change)}", path =>
        UmociWorkspace.Create(path, Layout, Tag, rootfs => BenchmarkTrees.Rewrite(rootfs, ChangedFiles(change), variant: 1))));

    /// <summary>Reads a layer blob to the end and counts what it holds, to check a contestant wrote the whole tree.</summary>
    public static async ValueTask<(int Files, long Bytes, int Symlinks)> CountAsync(Stream blob)
    {
        var tar = await Compression.OpenDecompressingDetectedAsync(blob);
        await using (tar)
        {
            var reader = new TarReader(tar, leaveOpen: true);
            await using (reader)
            {
                var (files, bytes, symlinks) = (0, 0L, 0);
                while (await reader.GetNextEntryAsync() is { } entry)
                {
                    files += entry.Type == TarEntryType.RegularFile ? 1 : 0;
                    bytes += entry.Type == TarEntryType.RegularFile ? entry.Size : 0;
                    symlinks += entry.Type == TarEntryType.SymbolicLink ? 1 : 0;
                }

                return (files, bytes, symlinks);
            }
        }
    }

    /// <summary>Throws unless a layer holds exactly the files and bytes of <paramref name="change"/>.</summary>
    public static void RequireChange((int Files, long Bytes, int Symlinks) counted, TreeChange change, string who)
    {
        var files = ChangedFiles(change);
        var expected = (files.Count, files.Sum(f => f.Size));
        if ((counted.Files, counted.Bytes) != expected)
        {
            throw new InvalidOperationException($"{who} wrote a layer of {counted.Files} files and {counted.Bytes} bytes but the change is {expected.Item1} files and {expected.Item2} bytes; the comparison would be meaningless");
        }
    }

    /// <summary>Throws unless a layer holds exactly the files, bytes and symlinks of <see cref="Plan"/>.</summary>
    public static void RequireWholeTree((int Files, long Bytes, int Symlinks) counted, string who)
    {
        var expected = (Plan.Files.Count, Plan.Bytes, Plan.Symlinks.Count);
        if (counted != expected)
        {
            throw new InvalidOperationException($"{who} wrote a layer of {counted} (files, bytes, symlinks) but the tree holds {expected}; the comparison would be meaningless");
        }
    }

    private static string Name(TreeChange change) => change == TreeChange.TenFiles ? "ten-changed" : "all-changed";

    private static void WriteThroughOverlay(string directory, string lower, IReadOnlyList<PlannedFile> files)
    {
        var upper = Directory.CreateDirectory(Path.Combine(directory, "upper")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(directory, "work")).FullName;
        var merged = Directory.CreateDirectory(Path.Combine(directory, "merged")).FullName;
        PosixFs.Mount("overlay", merged, "overlay", 0, $"lowerdir={lower},upperdir={upper},workdir={work}");
        try
        {
            BenchmarkTrees.Rewrite(merged, files, variant: 1);
        }
        finally
        {
            PosixFs.Unmount(merged);
        }

        BenchDirectories.RemoveTree(work);
        Directory.Delete(merged);
    }
}
