using Containers.Images.Layers;

namespace Containers.Images.Tests;

/// <summary>
/// Builds small images in memory with real layer blobs in a temporary directory, which
/// <see cref="Dispose"/> removes.
/// </summary>
internal sealed class TestImages : IDisposable
{
    public static readonly Platform LinuxAmd64 = Platform.Parse("linux/amd64");

    private int _next;

    public TestImages()
    {
        Root = Directory.CreateTempSubdirectory("containers-images-tests-").FullName;
    }

    /// <summary>The temporary directory everything is made in.</summary>
    public string Root { get; }

    /// <summary>An empty linux/amd64 image of the given manifest type.</summary>
    public static Image Empty(MediaType? mediaType = null) => Image.Empty(LinuxAmd64, mediaType);

    /// <summary>A linux/amd64 config with these DiffIDs and nothing else (no history).</summary>
    public static ImageConfiguration Config(params Digest[] diffIds) =>
        new() { OS = "linux", Architecture = "amd64", RootFs = new RootFs { DiffIds = diffIds } };

    /// <summary>A layer holding one file, <c>name</c>, with <c>content</c>, in a blob of its own.</summary>
    public async Task<TarballLayer> LayerAsync(string name, string content, LayerCompression compression = LayerCompression.Gzip)
    {
        var id = Interlocked.Increment(ref _next);
        var source = Path.Combine(Root, $"layer-{id}");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, name), content);
        return await TarballLayer.FromDirectoryAsync(source, Path.Combine(Root, $"blob-{id}"), compression);
    }

    /// <summary>An empty linux/amd64 image with one layer holding one file.</summary>
    public async Task<IImage> WithOneLayerAsync(MediaType? mediaType = null) =>
        Mutate.AppendLayers(Empty(mediaType), await LayerAsync("hello.txt", "hello, world\n"));

    /// <summary>An OCI image with one layer and no history at all, as some tools make them.</summary>
    public async Task<Image> WithoutHistoryAsync()
    {
        var layer = await LayerAsync("base.txt", "base");
        return Image.FromParts(MediaType.OciManifest, Config(layer.DiffId), [layer]);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
