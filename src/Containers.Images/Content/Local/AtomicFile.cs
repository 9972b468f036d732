using Containers.Linux;

namespace Containers.Images.Content.Local;

/// <summary>Replaces small files whole: write beside, fsync, rename, fsync the directory.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var (directory, temp) = Prepare(path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            Publish(temp, path, directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static async ValueTask WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var (directory, temp) = Prepare(path);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
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
