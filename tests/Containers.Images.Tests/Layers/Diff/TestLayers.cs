using Containers.Images.Layers;
using Containers.Images.Layers.Tar;
using Containers.Images.Tests.Layout;

namespace Containers.Images.Tests.Layers.Diff;

/// <summary>Layers in memory for the diff and squash tests: made, listed and applied.</summary>
internal static class TestLayers
{
    /// <summary>Runs <paramref name="write"/> against a writer over a plain tar in memory.</summary>
    public static async Task<(WrittenLayer Written, byte[] Blob)> WriteAsync(Func<LayerWriter, ValueTask<WrittenLayer>> write)
    {
        var output = new MemoryStream();
        WrittenLayer written;
        await using (var writer = new LayerWriter(output, new LayerWriterOptions { Compression = LayerCompression.None }, leaveOpen: true))
        {
            written = await write(writer);
        }

        return (written, output.ToArray());
    }

    public static async Task<List<TarEntry>> EntriesAsync(byte[] blob)
    {
        var entries = new List<TarEntry>();
        await using var reader = new TarReader(new MemoryStream(blob));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    public static async Task<List<string>> NamesAsync(byte[] blob) => [.. (await EntriesAsync(blob)).Select(entry => entry.Name)];

    public static async Task ApplyAsync(byte[] blob, string root) => await LayerApplier.ApplyAsync(new MemoryStream(blob), root);

    /// <summary>A new directory at <paramref name="target"/> built by applying the layer of <paramref name="tree"/>.</summary>
    public static async Task<string> ApplyTreeAsync(string tree, string target)
    {
        var (_, blob) = await WriteAsync(async writer =>
        {
            await writer.AddTreeAsync(tree);
            return await writer.CompleteAsync();
        });
        Directory.CreateDirectory(target);
        await ApplyAsync(blob, target);
        return target;
    }

    /// <summary>cp -a: a copy that keeps owners, modes, nanosecond times, xattrs and hard links.</summary>
    public static async Task<string> CopyAsync(string source, string target)
    {
        await ProcessRunner.RunAsync("/bin/cp", "-a", source, target);
        return target;
    }

    /// <summary>The mount points in /proc/self/mountinfo that contain <paramref name="fragment"/>.</summary>
    public static List<string> MountsContaining(string fragment) =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(line => line.Split(' ')[4]).Where(point => point.Contains(fragment, StringComparison.Ordinal))];
}
