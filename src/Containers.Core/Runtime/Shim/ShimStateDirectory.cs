using Containers.Errors;
using Containers.Linux;
using Containers.Processes;

namespace Containers.Runtime.Shim;

/// <summary>
/// A container's directory under a runtime's state root, shared by the shim and the runtimes
/// that drive it: the shim's socket, its exit file, and the runtime's own record.
/// </summary>
internal static class ShimStateDirectory
{
    public const string ExitFile = "exit";
    public const string SocketFile = "shim.sock";
    public const string RecordFile = "state.json";

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly string[] KnownFiles = [RecordFile, RecordFile + ".tmp", ExitFile, ExitFile + ".tmp", SocketFile];

    /// <summary>Makes <c>&lt;root&gt;/&lt;id&gt;</c>, failing if it is there: one directory, one container.</summary>
    public static string Make(string root, string id)
    {
        Directory.CreateDirectory(root, Private);
        var dir = Path.Combine(root, id);
        using var parent = PosixFs.OpenDirectory(root);
        var errno = PosixFs.TryMakeDirectoryAt(parent, id, Private);
        return errno switch
        {
            0 => dir,
            Errno.EEXIST => throw new AlreadyExistsException($"container {id} already exists in {root}; delete it or choose another id"),
            _ => throw Errno.ToException(errno, "mkdir", dir),
        };
    }

    /// <summary>Removes the directory: the files the runtimes and the shim write, then the directory; anything else there, recursively.</summary>
    public static void Remove(string dir)
    {
        foreach (var file in KnownFiles)
        {
            _ = LibC.Unlink(Path.Join(dir, file));
        }

        if (LibC.Rmdir(dir) != 0 && Errno.Last is not Errno.ENOENT && Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The exit status the shim wrote, or null when there is none (yet).</summary>
    public static ExitStatus? TryReadExit(string dir)
    {
        try
        {
            return ShimHandle.ParseExit(File.ReadAllText(Path.Combine(dir, ExitFile))["exit ".Length..]);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Connects to the shim's socket; null when no shim listens there any more.</summary>
    public static Task<ShimChannel?> ConnectAsync(string dir, CancellationToken cancellationToken) =>
        ShimChannel.TryConnectAsync(Path.Combine(dir, SocketFile), cancellationToken).AsTask();

    /// <summary>
    /// Waits for the container's exit: through <paramref name="owned"/> when this process created
    /// it, else through the shim's socket, else from the exit file. Null when none of them knows.
    /// </summary>
    public static async Task<ExitStatus?> WaitAsync(ShimHandle? owned, string dir, CancellationToken cancellationToken)
    {
        if (owned is not null)
        {
            try
            {
                return await owned.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (UnavailableException) when (TryReadExit(dir) is { } fromFile)
            {
                return fromFile;
            }
        }

        using (var channel = await ConnectAsync(dir, cancellationToken).ConfigureAwait(false))
        {
            if (channel is not null)
            {
                try
                {
                    channel.Send("wait");
                    while (await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
                    {
                        if (message.Is("exit"))
                        {
                            return ShimHandle.ParseExit(message.Argument);
                        }
                    }
                }
                catch (UnavailableException)
                {
                    // It exited between the connect and the request: its exit file says how.
                }
            }
        }

        return TryReadExit(dir);
    }
}
