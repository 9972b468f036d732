using Containers.Errors;

namespace Containers.Orchestration.Store.Embedded.Persistence;

/// <summary>
/// Gives a data directory to one store at a time, across processes: an exclusive advisory lock
/// (flock) on its <c>lock</c> file, released when disposed or when the process dies. Two stores on
/// one directory would interleave their logs, cut each other's tails off as torn, and each run
/// controllers that believe they are alone.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <exception cref="FailedPreconditionException">Another store, in this process or another, holds the directory.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            // On Unix, FileShare.None is flock(LOCK_EX | LOCK_NB) on the file.
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
        {
            throw new FailedPreconditionException($"the store in {directory} is in use by another process ({e.Message}): stop that one, such as another containers cluster serve on the same --root, or let several servers share one store through etcd", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
