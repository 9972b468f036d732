using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Containers.Images.Tests.Layout;

/// <summary>Writes tar files entry by entry, including entries no honest tool would write.</summary>
internal static class TarFiles
{
    public static TarEntry File(string name, byte[] content) =>
        new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };

    public static TarEntry File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    public static TarEntry Directory(string name) => new PaxTarEntry(TarEntryType.Directory, name);

    public static TarEntry Symlink(string name, string target) => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target };

    public static TarEntry HardLink(string name, string target) => new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target };

    public static async Task WriteAsync(string path, IEnumerable<TarEntry> entries)
    {
        await using var file = System.IO.File.Create(path);
        await using var writer = new TarWriter(file, TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            await writer.WriteEntryAsync(entry);
        }
    }

    /// <summary>Copies an archive, letting <paramref name="transform"/> drop (null) or replace entries, then appends <paramref name="extra"/>.</summary>
    public static async Task RewriteAsync(string source, string destination, Func<TarEntry, TarEntry?> transform, params TarEntry[] extra)
    {
        await using var input = System.IO.File.OpenRead(source);
        await using var reader = new TarReader(input);
        await using var output = System.IO.File.Create(destination);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax);
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            if (transform(entry) is { } kept)
            {
                await writer.WriteEntryAsync(kept);
            }
        }

        foreach (var entry in extra)
        {
            await writer.WriteEntryAsync(entry);
        }
    }

    /// <summary>Writes a gzip-compressed copy of a file.</summary>
    public static async Task GzipAsync(string source, string destination)
    {
        await using var plain = System.IO.File.OpenRead(source);
        await using var packed = System.IO.File.Create(destination);
        await using var gzip = new GZipStream(packed, CompressionLevel.Fastest);
        await plain.CopyToAsync(gzip);
    }

    /// <summary>The names of an archive's entries, in order.</summary>
    public static async Task<List<string>> ListAsync(string path)
    {
        await using var input = System.IO.File.OpenRead(path);
        await using var reader = new TarReader(input);
        var names = new List<string>();
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    /// <summary>The content of one file in an archive.</summary>
    public static async Task<byte[]> ReadAsync(string path, string name)
    {
        await using var input = System.IO.File.OpenRead(path);
        await using var reader = new TarReader(input);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name == name && entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                await data.CopyToAsync(copy);
                return copy.ToArray();
            }
        }

        throw new FileNotFoundException($"{path} has no entry {name}");
    }
}
