using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Containers.Linux;

namespace Containers.Images.Build.Execution;

/// <summary>
/// The content hash of what a COPY or ADD copies, for its cache key: every entry's path, type,
/// mode, owner (unless from the context, whose owners COPY does not keep), size, symlink target
/// and content. File contents are hashed in parallel, and a file whose device, inode, size and
/// mtime are unchanged since it was last hashed is not read again: the memo lives in this process
/// and, between builds, in a file under the builder's root (<see cref="LoadMemoAsync"/>).
/// </summary>
internal static class SourceHasher
{
    /// <summary>The most files the memo file keeps.</summary>
    private const int MaxRemembered = 200_000;

    private static readonly ConcurrentDictionary<(ulong Device, ulong Inode, long Size, long MTime), byte[]> Memo = new();
    private static readonly ConcurrentDictionary<string, byte> Loaded = new(StringComparer.Ordinal);
    private static int _added;

    /// <summary>Adds the hashes remembered in <paramref name="path"/> to this process's memo (once per file and process).</summary>
    public static async Task LoadMemoAsync(string path, CancellationToken cancellationToken)
    {
        if (!Loaded.TryAdd(path, 0))
        {
            return;
        }

        try
        {
            var records = System.Text.Json.JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), Cache.BuildJsonContext.Default.ListFileHashRecord) ?? [];
            foreach (var record in records)
            {
                Memo.TryAdd((record.Device, record.Inode, record.Size, record.MTime), Convert.FromHexString(record.Sha256));
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or System.Text.Json.JsonException or FormatException)
        {
            // No memo yet, or a damaged one: files are hashed again.
        }
    }

    /// <summary>Writes the memo to <paramref name="path"/> when this process hashed something new.</summary>
    public static async Task SaveMemoAsync(string path, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _added, 0) == 0)
        {
            return;
        }

        var records = Memo.Take(MaxRemembered).Select(m => new Cache.FileHashRecord(m.Key.Device, m.Key.Inode, m.Key.Size, m.Key.MTime, Convert.ToHexStringLower(m.Value))).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Content.Local.AtomicFile.WriteAsync(path, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(records, Cache.BuildJsonContext.Default.ListFileHashRecord), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hash, as lowercase hex, of <paramref name="items"/> read from <paramref name="tree"/>.</summary>
    public static async Task<string> HashAsync(SourceTree tree, IReadOnlyList<SourceItem> items, CancellationToken cancellationToken)
    {
        var entries = items.SelectMany(item => new[] { (item, item.Top) }.Concat(item.Children.Select(child => (item, child)))).ToList();
        var contents = new byte[entries.Count][];
        using (var root = tree.OpenRoot())
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, entries.Count).Where(i => entries[i].Item2.Status.Kind == FileKind.Regular),
                new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
                (i, token) =>
                {
                    contents[i] = HashFile(root, entries[i].Item2, token);
                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < entries.Count; i++)
        {
            var (item, entry) = entries[i];
            var status = entry.Status;
            var line = string.Create(CultureInfo.InvariantCulture, $"{item.Pattern}\0{item.Name}\0{entry.RelativePath}\0{(int)status.Kind}\0{(int)status.Mode}\0{status.Size}\0{entry.LinkTarget}\0");
            hash.AppendData(Encoding.UTF8.GetBytes(line));
            if (!tree.IsContext)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{status.Uid}:{status.Gid}\0")));
            }

            if (contents[i] is { } content)
            {
                hash.AppendData(content);
            }

            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The sha256 of a file's content, from the memo when the file is unchanged.</summary>
    public static byte[] HashFile(Microsoft.Win32.SafeHandles.SafeFileHandle root, SourceEntry entry, CancellationToken cancellationToken)
    {
        var status = entry.Status;
        var key = (status.Device, status.Inode, status.Size, status.MTimeNanoseconds);
        if (Memo.TryGetValue(key, out var known))
        {
            return known;
        }

        using var file = SourceTree.OpenFile(root, entry.Path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(file, buffer, offset)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        var digest = hash.GetHashAndReset();
        Memo[key] = digest;
        Interlocked.Increment(ref _added);
        return digest;
    }
}
