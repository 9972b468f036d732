using System.Formats.Tar;
using System.Runtime.CompilerServices;
using Containers.Errors;

namespace Containers.Images.Layout;

/// <summary>
/// The rules every image archive is read by. An archive is hostile input: entry names are
/// checked before anything is done with them, and only regular files and directories are taken
/// (an archive format may allow more, such as Docker's in-archive symbolic links, and says so
/// itself). Archives may be plain tar or gzip-compressed tar, as <c>docker load</c> accepts.
/// </summary>
internal static class ArchiveInput
{
    /// <summary>The most entries an archive may have; far more than any image needs.</summary>
    private const int MaxEntries = 100_000;

    /// <summary>How messages name an archive: <c>OCI archive "/path/to/file.tar"</c>.</summary>
    public static string Describe(string kind, string archivePath) => $"{kind} \"{archivePath}\"";

    /// <summary>
    /// The archive's entries with their canonical names (see <see cref="NormalizeName"/>), past
    /// metadata-only entries, refusing more than <see cref="MaxEntries"/>. An entry's data can be
    /// read until the next one is asked for.
    /// </summary>
    public static async IAsyncEnumerable<(TarEntry Entry, string Name)> ReadEntriesAsync(
        string kind, string archivePath, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var archive = Describe(kind, archivePath);
        var source = await OpenAsync(archivePath, kind, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var reader = new TarReader(source, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                var count = 0;
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (++count > MaxEntries)
                    {
                        throw new InvalidArgumentException($"{archive} has more than {MaxEntries} entries; no image archive needs that many");
                    }

                    if (entry.EntryType is not TarEntryType.GlobalExtendedAttributes)
                    {
                        yield return (entry, NormalizeName(archive, entry.Name));
                    }
                }
            }
        }
    }

    /// <summary>Opens an archive for reading, decompressing it if it is gzip or zstd.</summary>
    private static async ValueTask<Stream> OpenAsync(string archivePath, string kind, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"{kind} \"{archivePath}\" does not exist; give the path of an archive file", e);
        }

        try
        {
            var head = new byte[4];
            var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            return Compression.OpenDecompressing(file, Compression.Detect(head.AsSpan(0, read)));
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The canonical form of an entry name: relative, without a leading <c>./</c> or a trailing
    /// <c>/</c>. An absolute name, a <c>..</c> component, or an empty or <c>.</c> component inside
    /// the name is refused. The archive itself (<c>./</c>) is the empty string.
    /// </summary>
    public static string NormalizeName(string archive, string name, string what = "entry")
    {
        if (name.StartsWith('/'))
        {
            throw new InvalidArgumentException($"{archive} has {what} \"{name}\" with an absolute path; archive entries must be relative to the archive");
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidArgumentException($"{archive} has {what} \"{name.Replace("\0", "\\0", StringComparison.Ordinal)}\" with a NUL character in its name");
        }

        var relative = name;
        while (relative.StartsWith("./", StringComparison.Ordinal))
        {
            relative = relative[2..];
        }

        relative = relative.TrimEnd('/');
        if (relative is "." or "")
        {
            return string.Empty;
        }

        foreach (var component in relative.Split('/'))
        {
            if (component == "..")
            {
                throw new InvalidArgumentException($"{archive} has {what} \"{name}\" that escapes the archive with \"..\"; refusing it");
            }

            if (component is "" or ".")
            {
                throw new InvalidArgumentException($"{archive} has {what} \"{name}\" with an empty or \".\" path component; archive entry names must be plain relative paths");
            }
        }

        return relative;
    }

    /// <summary>True for entries that carry file content.</summary>
    public static bool IsRegularFile(TarEntry entry) =>
        entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;

    /// <summary>The error for an entry of a type the archive may not hold.</summary>
    public static InvalidArgumentException UnsupportedType(string archive, TarEntry entry, string allowed)
    {
        var type = entry.EntryType switch
        {
            TarEntryType.SymbolicLink => $"a symbolic link to \"{entry.LinkName}\"",
            TarEntryType.HardLink => $"a hard link to \"{entry.LinkName}\"",
            TarEntryType.CharacterDevice => "a character device",
            TarEntryType.BlockDevice => "a block device",
            TarEntryType.Fifo => "a named pipe",
            var other => $"a tar entry of type {other}",
        };
        return new InvalidArgumentException($"{archive} has entry \"{entry.Name}\", {type}; {allowed}");
    }

    /// <summary>Reads a small file whole, refusing one bigger than <paramref name="limit"/>.</summary>
    public static async ValueTask<byte[]> ReadSmallFileAsync(string archive, TarEntry entry, int limit, CancellationToken cancellationToken)
    {
        if (entry.Length > limit)
        {
            throw new InvalidArgumentException($"{archive} has \"{entry.Name}\" of {entry.Length} bytes, over the limit of {limit}; it cannot be a genuine one");
        }

        var bytes = new byte[entry.Length];
        if (entry.DataStream is { } data)
        {
            await data.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        return bytes;
    }

    /// <summary>The blob an entry named <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c> holds, if that is its name.</summary>
    public static bool TryParseBlobName(string name, out Digest digest)
    {
        digest = default;
        var parts = name.Split('/');
        return parts.Length == 3 && parts[0] == "blobs" && Digest.TryParse($"{parts[1]}:{parts[2]}", out digest);
    }
}
