using Containers.Errors;
using Containers.Linux;

namespace Containers.Images.Layout;

/// <summary>
/// A directory filled out of sight, beside where it belongs, and renamed into place only when
/// complete. Disposed without <see cref="Commit"/>, it is deleted: a failed extraction leaves
/// nothing behind, and the destination is never half-written.
/// </summary>
internal sealed class StagingDirectory : IDisposable
{
    private bool _committed;

    private StagingDirectory(string destination, string path)
    {
        Destination = destination;
        Path = path;
    }

    /// <summary>Where the directory goes on commit.</summary>
    public string Destination { get; }

    /// <summary>Where it is filled.</summary>
    public string Path { get; }

    /// <summary>Starts a directory for <paramref name="destination"/>, which must not exist or be empty.</summary>
    public static StagingDirectory Create(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(destination));
        if (File.Exists(full) || (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()))
        {
            throw new AlreadyExistsException($"\"{destination}\" exists and is not an empty directory; extract into a new or empty directory");
        }

        var parent = System.IO.Path.GetDirectoryName(full)
            ?? throw new InvalidArgumentException($"\"{destination}\" is the filesystem root; extract into a directory below it");
        Directory.CreateDirectory(parent);
        var path = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        Directory.CreateDirectory(path);
        return new StagingDirectory(full, path);
    }

    /// <summary>Renames the directory into place.</summary>
    public void Commit()
    {
        if (Directory.Exists(Destination))
        {
            // Not recursive: if something appeared in the destination meanwhile, this fails and nothing is lost.
            Directory.Delete(Destination);
        }

        Directory.Move(Path, Destination);
        FileSystemSync.SyncDirectory(System.IO.Path.GetDirectoryName(Destination)!);
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
