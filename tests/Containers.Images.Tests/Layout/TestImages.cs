using Containers.Images.Layers;

namespace Containers.Images.Tests.Layout;

/// <summary>Small real images for the layout and archive tests, built from files on disk.</summary>
internal static class TestImages
{
    public const string HelloPath = "hello.txt";
    public const string HelloContent = "hello from the first layer\n";
    public const string MorePath = "data/more.txt";
    public const string MoreContent = "more from the second layer\n";

    public static readonly string[] Cmd = ["/bin/sh", "-c", "cat /hello.txt"];

    public static Platform Platform { get; } = new() { OS = "linux", Architecture = "amd64" };

    /// <summary>
    /// Two layers: the first holds <see cref="HelloPath"/>, <c>etc/app.conf</c> and a symlink
    /// <c>link</c> to <see cref="HelloPath"/>; the second holds <see cref="MorePath"/>. Cmd and Env
    /// are set. A different <paramref name="variant"/> gives a different image.
    /// </summary>
    public static async Task<IImage> BuildAsync(string workDirectory, LayerCompression compression = LayerCompression.Gzip, string variant = "a")
    {
        var first = await LayerAsync(
            workDirectory, $"{variant}-first", compression, [(HelloPath, HelloContent), ("etc/app.conf", $"variant={variant}\n")], ("link", HelloPath));
        var second = await LayerAsync(workDirectory, $"{variant}-second", compression, [(MorePath, MoreContent)]);
        var image = Mutate.AppendLayers(Image.Empty(Platform), first, second);
        image = Mutate.SetCmd(image, Cmd);
        return Mutate.SetEnv(image, "GREETING=hello", $"VARIANT={variant}");
    }

    /// <summary>A layer of the given files (relative path, content) and, optionally, one symlink (path, target).</summary>
    public static async Task<TarballLayer> LayerAsync(
        string workDirectory, string name, LayerCompression compression, (string Path, string Content)[] files, (string Path, string Target)? symlink = null)
    {
        var root = Path.Combine(workDirectory, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        if (symlink is { } link)
        {
            File.CreateSymbolicLink(Path.Combine(root, link.Path), link.Target);
        }

        return await TarballLayer.FromDirectoryAsync(root, Path.Combine(workDirectory, $"{name}.blob"), compression);
    }

    /// <summary>Reads a file out of a layer's uncompressed tar.</summary>
    public static async Task<string?> ReadFileAsync(ILayer layer, string path)
    {
        await using var tar = await layer.OpenUncompressedAsync();
        await using var reader = new System.Formats.Tar.TarReader(tar);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == path && entry.DataStream is { } data)
            {
                using var text = new StreamReader(data);
                return await text.ReadToEndAsync();
            }
        }

        return null;
    }
}
