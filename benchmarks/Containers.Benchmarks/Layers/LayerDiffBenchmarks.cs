using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Containers.Images;
using Containers.Images.Layers;
using Containers.Images.Layers.Diff;
using Containers.Images.Layout;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// Making the layer of a change to the benchmark tree (<see cref="BenchmarkTrees"/>, 30,000 files,
/// 1 GiB): our overlay fast path and our double walk against <c>umoci repack --refresh-bundle</c>,
/// for ten files changed and for every file changed, in the same run.
/// </summary>
/// <remarks>
/// <para>
/// Each contestant gets the same change in the form it works on (see <see cref="LayerFixtures"/>):
/// the overlay fast path an upper directory left by an overlayfs mount over the tree, through
/// which the files were rewritten; the double walk the tree and a <c>cp -a</c> copy of it with
/// the files rewritten; umoci a bundle it unpacked from a layout of the tree, with the files
/// rewritten in its rootfs. Ours writes a gzip layer (our defaults) to a file; umoci writes its
/// layer, config and manifest into the layout and, with <c>--refresh-bundle</c>, a new mtree
/// manifest of the whole rootfs into the bundle.
/// </para>
/// <para>
/// What each one reads: the overlay fast path reads only the upper directory. The double walk
/// stats both trees; the tree's mtimes are whole seconds, as in any tree extracted from a layer,
/// so for every file whose metadata is unchanged it compares the bytes of both copies (as
/// containerd does). umoci compares the rootfs against its mtree manifest, which hashes every
/// file, then hashes every file again for the refreshed manifest.
/// </para>
/// <para>
/// Untimed: before each iteration umoci's layout and bundle state is restored
/// (<see cref="UmociWorkspace.Restore"/>), the output removed and the file system synced; after
/// the first iteration of each case the layer written is read back and must hold exactly the
/// changed files and bytes.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class LayerDiffBenchmarks
{
    private const string RepackTag = "diff";

    private string _scratch = string.Empty;
    private string _output = string.Empty;
    private string _tree = string.Empty;
    private string _upperTree = string.Empty;
    private string _overlayUpper = string.Empty;
    private UmociWorkspace? _umoci;
    private bool _checked;

    [Params(TreeChange.TenFiles, TreeChange.EveryFile)]
    public TreeChange Change { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        Tool.Require(Tool.Umoci, "umoci");
        _tree = LayerFixtures.Tree;
        _upperTree = LayerFixtures.ChangedTree(Change);
        _overlayUpper = LayerFixtures.OverlayUpper(Change);
        _umoci = LayerFixtures.UmociChanged(Change);
        _umoci.Restore();
        _scratch = BenchDirectories.NewScratch("diff");
        _output = Path.Combine(_scratch, "layer.tar.gz");
        foreach (var tree in new[] { _tree, _upperTree, _overlayUpper, _umoci.Rootfs })
        {
            Tool.Shell("tar -cf - -C \"$1\" . > /dev/null", tree);
        }

        var changed = LayerFixtures.ChangedFiles(Change);
        Console.WriteLine($"// tree: {LayerFixtures.Plan}; change: {changed.Count} files, {changed.Sum(f => f.Size)} bytes");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _umoci?.Restore();
        if (_scratch.Length > 0)
        {
            BenchDirectories.RemoveTree(_scratch);
        }
    }

    [IterationSetup]
    public void IterationSetup()
    {
        File.Delete(_output);
        _umoci!.Restore();
        BenchDirectories.SyncFileSystem();
    }

    [IterationCleanup(Targets = [nameof(Overlay), nameof(DoubleWalk)])]
    public void CheckOutputCleanup()
    {
        if (!_checked)
        {
            using var blob = File.OpenRead(_output);
            Console.WriteLine($"// the layer written is {blob.Length} bytes");
            LayerFixtures.RequireChange(LayerFixtures.CountAsync(blob).AsTask().GetAwaiter().GetResult(), Change, "our diff");
            _checked = true;
        }

        File.Delete(_output);
    }

    [IterationCleanup(Target = nameof(UmociRepack))]
    public void CheckRepackCleanup()
    {
        if (!_checked)
        {
            var layout = OciLayout.OpenAsync(_umoci!.Layout).AsTask().GetAwaiter().GetResult();
            var image = layout.GetImageAsync(RepackTag).AsTask().GetAwaiter().GetResult();
            using var blob = image.Layers[^1].OpenCompressedAsync().AsTask().GetAwaiter().GetResult();
            Console.WriteLine($"// the layer written is {image.Layers[^1].Size} bytes");
            LayerFixtures.RequireChange(LayerFixtures.CountAsync(blob).AsTask().GetAwaiter().GetResult(), Change, "umoci repack");
            _checked = true;
        }

        _umoci!.Restore();
    }

    [Benchmark(Baseline = true, Description = "ours: DiffOverlayAsync (upper dir)")]
    public async Task<WrittenLayer> Overlay()
    {
        await using var writer = NewWriter();
        return await LayerDiff.DiffOverlayAsync(_overlayUpper, [_tree], writer);
    }

    [Benchmark(Description = "ours: DiffAsync (double walk)")]
    public async Task<WrittenLayer> DoubleWalk()
    {
        await using var writer = NewWriter();
        return await LayerDiff.DiffAsync(_tree, _upperTree, writer);
    }

    [Benchmark(Description = "umoci repack --refresh-bundle")]
    public void UmociRepack() => _umoci!.Repack(RepackTag);

    private LayerWriter NewWriter() =>
        new(new FileStream(_output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), new LayerWriterOptions { Compression = LayerCompression.Gzip });
}
