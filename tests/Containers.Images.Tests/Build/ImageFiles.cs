using System.Security.Cryptography;
using Containers.Images.Layers;
using Containers.Images.Layers.Tar;

namespace Containers.Images.Tests.Build;

/// <summary>One path of a filesystem as the comparisons see it.</summary>
/// <param name="Type">f, d, l (symlink), h (hard link, resolved to its target's content), c, b, p.</param>
internal sealed record FileEntry(char Type, int Mode, long Uid, long Gid, string? Content, string? LinkTarget)
{
    public override string ToString() => $"{Type} {Convert.ToString(Mode, 8)} {Uid}:{Gid}{(Content is null ? "" : " sha256:" + Content[..12])}{(LinkTarget is null ? "" : " -> " + LinkTarget)}";
}

/// <summary>
/// Flattens an image into a map of its final filesystem: the layers applied in order, whiteouts
/// and opaque directories honoured, hard links resolved to their target's content.
/// </summary>
internal static class ImageFiles
{
    public static async Task<SortedDictionary<string, FileEntry>> FlattenAsync(IImage image)
    {
        var files = new SortedDictionary<string, FileEntry>(StringComparer.Ordinal);
        foreach (var layer in image.Layers)
        {
            await ApplyAsync(files, layer);
        }

        return files;
    }

    /// <summary>The entries of one layer, whiteouts included, in tar order ("path" or ".wh." names as stored).</summary>
    public static async Task<List<string>> EntriesAsync(ILayer layer)
    {
        var names = new List<string>();
        await using var stream = await layer.OpenUncompressedAsync();
        await using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            names.Add(Normalize(entry.Name));
        }

        return names;
    }

    private static async Task ApplyAsync(SortedDictionary<string, FileEntry> files, ILayer layer)
    {
        await using var stream = await layer.OpenUncompressedAsync();
        await using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            var path = Normalize(entry.Name);
            if (path.Length == 0)
            {
                continue;
            }

            var slash = path.LastIndexOf('/');
            var parent = slash < 0 ? "" : path[..slash];
            var name = path[(slash + 1)..];
            if (name == Whiteout.Opaque)
            {
                RemoveBelow(files, parent);
                continue;
            }

            if (name.StartsWith(Whiteout.Prefix, StringComparison.Ordinal))
            {
                var target = (parent.Length == 0 ? "" : parent + "/") + name[Whiteout.Prefix.Length..];
                files.Remove(target);
                RemoveBelow(files, target);
                continue;
            }

            var content = entry.Type == TarEntryType.RegularFile ? await HashAsync(reader) : null;
            var type = entry.Type switch
            {
                TarEntryType.Directory => 'd',
                TarEntryType.SymbolicLink => 'l',
                TarEntryType.HardLink => 'h',
                TarEntryType.CharacterDevice => 'c',
                TarEntryType.BlockDevice => 'b',
                TarEntryType.Fifo => 'p',
                _ => 'f',
            };
            if (type == 'h' && entry.LinkName is { } linkName && files.TryGetValue(Normalize(linkName), out var target2))
            {
                files[path] = target2;
                continue;
            }

            if (type != 'd')
            {
                RemoveBelow(files, path);
            }

            files[path] = new FileEntry(type, entry.Mode & 0xFFF, entry.Uid, entry.Gid, content, type == 'l' ? entry.LinkName : null);
        }
    }

    private static void RemoveBelow(SortedDictionary<string, FileEntry> files, string directory)
    {
        var prefix = directory.Length == 0 ? "" : directory + "/";
        foreach (var key in files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k != directory).ToList())
        {
            files.Remove(key);
        }
    }

    private static async Task<string> HashAsync(TarReader reader)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        while (reader.RemainingData > 0)
        {
            var read = await reader.ReadDataAsync(buffer);
            hash.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Normalize(string name)
    {
        while (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }

        return name.Trim('/');
    }
}
