namespace Containers.Linux;

/// <summary>
/// Durability helpers. A rename is only crash-safe once the directory that holds the new name
/// has itself been fsynced; .NET has no API for that.
/// </summary>
public static class FileSystemSync
{
    /// <summary>fsyncs a directory so that renames and creations inside it survive a crash.</summary>
    public static void SyncDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Errno.ToException("open", $"directory \"{path}\"");
        }

        try
        {
            if (LibC.FSync(fd) != 0)
            {
                throw Errno.ToException("fsync", $"directory \"{path}\"");
            }
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }
}
