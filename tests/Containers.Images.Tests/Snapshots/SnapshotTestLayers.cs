using Containers.Images.Layers;

namespace Containers.Images.Tests.Snapshots;

/// <summary>Layers and images for the snapshot tests, made from small trees in a directory that <see cref="Dispose"/> removes.</summary>
internal sealed class SnapshotTestLayers : IDisposable
{
    private int _next;

    public SnapshotTestLayers(string root)
    {
        Root = Directory.CreateDirectory(root).FullName;
    }

    public string Root { get; }

    /// <summary>A layer of the files <paramref name="files"/> (path → content), deleting <paramref name="whiteouts"/> and making <paramref name="opaque"/> directories opaque.</summary>
    public async Task<TarballLayer> LayerAsync(IReadOnlyDictionary<string, string> files, string[]? whiteouts = null, string[]? opaque = null)
    {
        var id = Interlocked.Increment(ref _next);
        var tree = Directory.CreateDirectory(Path.Combine(Root, $"tree-{id}")).FullName;
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(tree, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        var blob = Path.Combine(Root, $"layer-{id}.tar");
        await using (var file = File.Create(blob))
        {
            await using var writer = new LayerWriter(file, new LayerWriterOptions { Compression = LayerCompression.None }, leaveOpen: true);
            await writer.AddTreeAsync(tree);
            foreach (var path in whiteouts ?? [])
            {
                await writer.AddWhiteoutAsync(path);
            }

            foreach (var path in opaque ?? [])
            {
                await writer.AddOpaqueWhiteoutAsync(path);
            }

            await writer.CompleteAsync();
        }

        return await TarballLayer.FromFileAsync(blob);
    }

    public Task<TarballLayer> LayerAsync(string path, string content) =>
        LayerAsync(new Dictionary<string, string> { [path] = content });

    public static IImage Image(params ILayer[] layers) => Mutate.AppendLayers(TestImages.Empty(), layers);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
