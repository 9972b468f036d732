using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Containers.Images;
using Containers.Images.Layers;
using Containers.Images.Layout;

namespace Containers.Benchmarks.Layers;

/// <summary>
/// Creating a gzip layer of the whole benchmark tree (<see cref="BenchmarkTrees"/>, 30,000 files,
/// 1 GiB): ours against GNU <c>tar -czf</c> and a full <c>umoci repack</c>, on the same tree in
/// the same run.
/// </summary>
/// <remarks>
/// <para>
/// The tree is read once in <see cref="GlobalSetup"/>, so every contestant reads it from the page
/// cache; the output goes to the page cache too (nobody fsyncs). After the first iteration of each
/// case the output layer is read back and must hold every file, byte and symlink of the tree; then
/// it is removed and the file system synced, none of which is timed.
/// </para>
/// <para>
/// The contestants compress at different levels. Ours uses <see cref="System.IO.Compression.CompressionLevel.Fastest"/>
/// (zlib-ng level 1); <c>tar -czf</c> runs <c>gzip</c> at its default level 6 in a second process;
/// umoci compresses with pgzip (Go, parallel, level 6 by default) after diffing the rootfs against
/// the mtree manifest of an empty image (so everything is new), and <c>--refresh-bundle</c> then
/// walks and hashes the rootfs again for the new manifest. The info rows give the same tar at gzip
/// level 1 (<c>tar -I "gzip -1"</c>), no compression from both sides, and ours with zstd (level 3).
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class LayerCreateBenchmarks
{
    private const string RepackTag = "full";

    private string _scratch = string.Empty;
    private string _tree = string.Empty;
    private string _output = string.Empty;
    private UmociWorkspace? _umoci;
    private bool _checked;

    [GlobalSetup]
    public void GlobalSetup()
    {
        Tool.Require(Tool.Tar, "GNU tar");
        Tool.Require(Tool.Umoci, "umoci");
        _tree = LayerFixtures.Tree;
        _umoci = LayerFixtures.UmociFullRepack;
        _umoci.Restore();
        _scratch = BenchDirectories.NewScratch("create");
        _output = Path.Combine(_scratch, "layer");
        Tool.Shell("tar -cf - -C \"$1\" . > /dev/null", _tree);
        Tool.Shell("tar -cf - -C \"$1\" . > /dev/null", _umoci.Rootfs);
        Console.WriteLine($"// tree: {LayerFixtures.Plan}");
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

    [IterationCleanup(Targets = [nameof(Ours), nameof(TarCzf), nameof(TarGzip1), nameof(OursZstd), nameof(OursNone), nameof(TarCf)])]
    public void CheckOutputCleanup()
    {
        if (!_checked)
        {
            using var blob = File.OpenRead(_output);
            Console.WriteLine($"// the layer written is {blob.Length} bytes");
            LayerFixtures.RequireWholeTree(LayerFixtures.CountAsync(blob).AsTask().GetAwaiter().GetResult(), "the contestant");
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
            LayerFixtures.RequireWholeTree(LayerFixtures.CountAsync(blob).AsTask().GetAwaiter().GetResult(), "umoci repack");
            _checked = true;
        }

        _umoci!.Restore();
    }

    [Benchmark(Baseline = true, Description = "ours: LayerWriter.CreateAsync gzip")]
    public async Task<WrittenLayer> Ours() =>
        await LayerWriter.CreateAsync(_tree, _output, new LayerWriterOptions { Compression = LayerCompression.Gzip });

    [Benchmark(Description = "tar -czf")]
    public string TarCzf() => Tool.Run(Tool.Tar, "-czf", _output, "-C", _tree, ".");

    [Benchmark(Description = "umoci repack (full)")]
    public void UmociRepack() => _umoci!.Repack(RepackTag);

    [Benchmark(Description = "info: tar -I 'gzip -1' -cf")]
    public string TarGzip1() => Tool.Run(Tool.Tar, "-I", "gzip -1", "-cf", _output, "-C", _tree, ".");

    [Benchmark(Description = "info: ours, zstd")]
    public async Task<WrittenLayer> OursZstd() =>
        await LayerWriter.CreateAsync(_tree, _output, new LayerWriterOptions { Compression = LayerCompression.Zstd });

    [Benchmark(Description = "info: ours, uncompressed")]
    public async Task<WrittenLayer> OursNone() =>
        await LayerWriter.CreateAsync(_tree, _output, new LayerWriterOptions { Compression = LayerCompression.None });

    [Benchmark(Description = "info: tar -cf, uncompressed")]
    public string TarCf() => Tool.Run(Tool.Tar, "-cf", _output, "-C", _tree, ".");
}
