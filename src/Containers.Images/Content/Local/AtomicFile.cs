using Containers.Linux;

namespace Containers.Images.Content.Local;

/// <summary>Replaces small files whole: write beside, fsync, rename, fsync the directory.</summary>
internal static class AtomicFile
{
    public static async ValueTask WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            FileSystemSync.SyncDirectory(directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
