using Containers.Linux;

namespace Containers.Images.Content.Local;

/// <summary>Replaces small files whole: write beside, fsync, rename, fsync the directory.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/>. Readers see the old or the new
    /// file, never a mix; without <paramref name="durable"/> the fsyncs are skipped, so a power cut
    /// may bring the old content back. A <paramref name="mode"/> is the new file's permissions from
    /// its first byte on (0600 for secrets), not set after the content is there.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> content, bool durable = true, UnixFileMode? mode = null)
    {
        var (directory, temp) = Prepare(path);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (mode is { } permissions)
            {
                options.UnixCreateMode = permissions;
            }

            using (var file = new FileStream(temp, options))
            {
                file.Write(content);
                if (durable)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            if (durable)
            {
                Publish(temp, path, directory);
            }
            else
            {
                File.Move(temp, path, overwrite: true);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static ValueTask WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteAsync(path, (file, token) => file.WriteAsync(content, token), cancellationToken);

    /// <summary>
    /// Streams a file into place: <paramref name="write"/> fills a temporary file beside
    /// <paramref name="path"/>, which replaces it only once complete and durable. On failure the
    /// temporary file is removed and <paramref name="path"/> is untouched.
    /// </summary>
    public static async ValueTask WriteAsync(string path, Func<Stream, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        var (directory, temp) = Prepare(path);
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await write(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            Publish(temp, path, directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static (string Directory, string Temp) Prepare(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        return (directory, Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp"));
    }

    private static void Publish(string temp, string path, string directory)
    {
        File.Move(temp, path, overwrite: true);
        FileSystemSync.SyncDirectory(directory);
    }
}
