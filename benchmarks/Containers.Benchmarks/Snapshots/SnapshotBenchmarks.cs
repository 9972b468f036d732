using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Containers.Benchmarks.Layers;
using Containers.Images;
using Containers.Images.Layers;
using Containers.Images.Snapshots;
using Containers.Images.Snapshots.Native;
using Containers.Images.Snapshots.Overlay;

namespace Containers.Benchmarks.Snapshots;

/// <summary>
/// The snapshotters as an engine uses them, as root: preparing a container's snapshot on an
/// unpacked image (metadata under the lock plus the mount data; mounted and unmounted in the
/// "mount" rows), on 3 layers and on 120 (where the lowerdir needs the short links), and
/// unpacking a small image (3 gzip layers, 300 files of 1 KiB each, with a whiteout) into a fresh
/// overlay or native store.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15, invocationCount: 20)]
public class SnapshotBenchmarks
{
    private string _scratch = string.Empty;
    private string _target = string.Empty;
    private IImage _small = null!;
    private OverlaySnapshotter _overlay = null!;
    private string _top3 = string.Empty;
    private string _top120 = string.Empty;
    private int _next;

    [GlobalSetup]
    public void GlobalSetup()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the snapshot benchmarks mount overlayfs: run them as root");
        }

        _scratch = Directory.CreateDirectory(Path.Combine(BenchDirectories.Base, "scratch", $"snapshots-{Environment.ProcessId}")).FullName;
        _target = Directory.CreateDirectory(Path.Combine(_scratch, "mnt")).FullName;
        var layers = new List<ILayer>();
        for (var i = 0; i < 3; i++)
        {
            layers.Add(MakeLayer(i, files: 100, whiteout: i == 2 ? "d0/f000" : null));
        }

        _small = Mutate.AppendLayers(Image.Empty(Platform.Parse("linux/amd64")), [.. layers]);
        _overlay = new OverlaySnapshotter(Path.Combine(_scratch, "overlay"));
        var unpacker = new LayerUnpacker();
        _top3 = unpacker.UnpackAsync(_small, _overlay).AsTask().GetAwaiter().GetResult().ChainId.ToString();
        var many = Enumerable.Range(10, 120).Select(i => (ILayer)MakeLayer(i, files: 1, whiteout: null)).ToArray();
        _top120 = unpacker.UnpackAsync(Mutate.AppendLayers(Image.Empty(Platform.Parse("linux/amd64")), many), _overlay).AsTask().GetAwaiter().GetResult().ChainId.ToString();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        SnapshotMounter.UnmountAll(_target);
        Directory.Delete(_scratch, recursive: true);
    }

    [Benchmark(Description = "prepare+remove, 3 layers")]
    public async Task PrepareOnThreeLayers() => await PrepareAsync(_top3, mount: false);

    [Benchmark(Description = "prepare+remove, 120 layers (short links)")]
    public async Task PrepareOn120Layers() => await PrepareAsync(_top120, mount: false);

    [Benchmark(Description = "prepare+mount+unmount+remove, 3 layers")]
    public async Task PrepareAndMountOnThreeLayers() => await PrepareAsync(_top3, mount: true);

    [Benchmark(Description = "prepare+mount+unmount+remove, 120 layers")]
    public async Task PrepareAndMountOn120Layers() => await PrepareAsync(_top120, mount: true);

    [Benchmark(Description = "unpack 3x100 files, overlay")]
    public async Task UnpackOverlay() => await UnpackAsync(root => new OverlaySnapshotter(root));

    [Benchmark(Description = "unpack 3x100 files, native")]
    public async Task UnpackNative() => await UnpackAsync(root => new NativeSnapshotter(root));

    private async Task PrepareAsync(string parent, bool mount)
    {
        var key = $"bench-{++_next}";
        var mounts = await _overlay.PrepareAsync(key, parent);
        if (mount)
        {
            SnapshotMounter.MountAll(mounts, _target);
            SnapshotMounter.UnmountAll(_target);
        }

        await _overlay.RemoveAsync(key);
    }

    private async Task UnpackAsync(Func<string, ISnapshotter> create)
    {
        var root = Path.Combine(_scratch, $"unpack-{++_next}");
        var snapshotter = create(root);
        var result = await new LayerUnpacker().UnpackAsync(_small, snapshotter);
        if (result.LayersApplied != 3)
        {
            throw new InvalidOperationException($"applied {result.LayersApplied} layers, not 3");
        }

        Directory.Delete(root, recursive: true);
    }

    private TarballLayer MakeLayer(int index, int files, string? whiteout)
    {
        var tree = Directory.CreateDirectory(Path.Combine(_scratch, $"tree-{index}")).FullName;
        var content = new byte[1024];
        for (var f = 0; f < files; f++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(tree, $"d{f % 10}")).FullName;
            Random.Shared.NextBytes(content);
            File.WriteAllBytes(Path.Combine(directory, $"f{index:D3}{f:D3}"), content);
        }

        var blob = Path.Combine(_scratch, $"layer-{index}.tar");
        using (var file = File.Create(blob))
        {
            var writer = new LayerWriter(file, new LayerWriterOptions { Compression = LayerCompression.Gzip }, leaveOpen: true);
            try
            {
                writer.AddTreeAsync(tree).AsTask().GetAwaiter().GetResult();
                if (whiteout is not null)
                {
                    writer.AddWhiteoutAsync(whiteout).AsTask().GetAwaiter().GetResult();
                }

                writer.CompleteAsync().AsTask().GetAwaiter().GetResult();
            }
            finally
            {
                writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return TarballLayer.FromFileAsync(blob).AsTask().GetAwaiter().GetResult();
    }
}
