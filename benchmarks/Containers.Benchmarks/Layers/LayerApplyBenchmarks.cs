using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Containers.Images;
using Containers.Images.Layers;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// Applying one gzip layer of the benchmark tree (<see cref="BenchmarkTrees"/>, 30,000 files,
/// 1 GiB) into a fresh directory: ours against GNU <c>tar -xzf</c> and <c>umoci unpack</c>, on the
/// same layer in the same run.
/// </summary>
/// <remarks>
/// <para>
/// The layer is the one <see cref="LayerWriter"/> makes with its defaults (see
/// <see cref="LayerFixtures.GzipLayer"/>); umoci unpacks the same blob from an OCI layout. The blob
/// is read once in <see cref="GlobalSetup"/>, so every contestant reads it from the page cache,
/// and every iteration writes into the page cache too: nobody fsyncs. Each iteration starts on an
/// empty target after a syncfs, so no one pays for the previous iteration's writeback; the target
/// is checked against the source tree (<see cref="TreeFingerprint"/>) after every iteration, then
/// removed, none of which is timed.
/// </para>
/// <para>
/// The contestants do different amounts of work beyond extracting. Ours computes the DiffID and
/// checks it, resolves every parent with openat2 and restores owners (we run as root). GNU tar runs
/// gzip as a separate process, so decompression runs in parallel with extraction on the second
/// core, and it checks nothing. umoci checks the blob digest and DiffID, then walks the whole
/// rootfs again to write its mtree manifest (with a SHA-256 of every file) for a later repack.
/// </para>
/// <para>
/// The rows marked "info" split the work for the analysis: the same layer uncompressed, applied by
/// us and by <c>tar -xf</c> (the file system part), and decompression alone, by us (with the
/// DiffID hash) and by <c>gzip -dc</c>.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class LayerApplyBenchmarks
{
    private string _scratch = string.Empty;
    private string _target = string.Empty;
    private string _layer = string.Empty;
    private string _plainLayer = string.Empty;
    private string _layout = string.Empty;
    private Digest _diffId;
    private TreeFingerprint? _expected;
    private Digest? _decompressedDiffId;

    [GlobalSetup]
    public void GlobalSetup()
    {
        Tool.Require(Tool.Tar, "GNU tar");
        Tool.Require(Tool.Umoci, "umoci");
        var tree = LayerFixtures.Tree;
        (_layer, _diffId) = LayerFixtures.GzipLayer;
        _plainLayer = LayerFixtures.PlainLayer;
        _layout = LayerFixtures.Layout;
        _expected = TreeFingerprint.Of(tree);
        _scratch = BenchDirectories.NewScratch("apply");
        _target = Path.Combine(_scratch, "target");
        LayerFixtures.ReadThrough(_layer);
        LayerFixtures.ReadThrough(_plainLayer);
        Console.WriteLine($"// tree: {_expected}; gzip layer {new FileInfo(_layer).Length} bytes, DiffID {_diffId}");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        if (_scratch.Length > 0)
        {
            BenchDirectories.RemoveTree(_scratch);
        }
    }

    [IterationSetup]
    public void IterationSetup()
    {
        BenchDirectories.RemoveTree(_target);
        Directory.CreateDirectory(_target);
        BenchDirectories.SyncFileSystem();
    }

    [IterationCleanup(Targets = [nameof(Ours), nameof(TarXzf), nameof(OursPlain), nameof(TarXf)])]
    public void CheckTreeCleanup() => CheckAndRemove(_target, "the extracted tree");

    [IterationCleanup(Target = nameof(UmociUnpack))]
    public void CheckBundleCleanup() => CheckAndRemove(Path.Combine(_target, "rootfs"), "umoci unpack");

    [IterationCleanup(Targets = [nameof(OursGunzip), nameof(GzipDc)])]
    public void CheckDecompressionCleanup()
    {
        if (_decompressedDiffId is { } diffId && diffId != _diffId)
        {
            throw new InvalidOperationException($"decompressing the layer gave DiffID {diffId}, not {_diffId}");
        }

        _decompressedDiffId = null;
    }

    [Benchmark(Baseline = true, Description = "ours: LayerApplier.ApplyAsync")]
    public Task<LayerApplyResult> Ours() => ApplyAsync(_layer);

    [Benchmark(Description = "tar -xzf")]
    public string TarXzf() => Tool.Run(Tool.Tar, "-xzf", _layer, "-C", _target, "--numeric-owner");

    [Benchmark(Description = "umoci unpack")]
    public string UmociUnpack() => Tool.Run(Tool.Umoci, "unpack", "--image", $"{_layout}:{LayerFixtures.Tag}", _target);

    [Benchmark(Description = "info: ours, uncompressed tar")]
    public Task<LayerApplyResult> OursPlain() => ApplyAsync(_plainLayer);

    [Benchmark(Description = "info: tar -xf, uncompressed tar")]
    public string TarXf() => Tool.Run(Tool.Tar, "-xf", _plainLayer, "-C", _target, "--numeric-owner");

    [Benchmark(Description = "info: ours, gunzip + DiffID only")]
    public async Task<Digest> OursGunzip()
    {
        await using var layer = OpenLayer(_layer);
        await using var tar = await Compression.OpenDecompressingDetectedAsync(layer);
        var diffId = await Digest.ComputeAsync(tar);
        _decompressedDiffId = diffId;
        return diffId;
    }

    [Benchmark(Description = "info: gzip -dc > /dev/null")]
    public string GzipDc() => Tool.Shell("gzip -dc \"$1\" > /dev/null", _layer);

    private async Task<LayerApplyResult> ApplyAsync(string path)
    {
        await using var layer = OpenLayer(path);
        return await LayerApplier.ApplyAsync(layer, _target, _diffId);
    }

    private static FileStream OpenLayer(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    private void CheckAndRemove(string tree, string who)
    {
        _expected!.Require(TreeFingerprint.Of(tree), who);
        BenchDirectories.RemoveTree(_target);
    }
}
