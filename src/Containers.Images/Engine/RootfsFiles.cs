using System.Text;
using Containers.Errors;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Engine;

/// <summary>
/// Reads and makes files inside a container's rootfs as the container would see them: every
/// lookup goes through openat2 with RESOLVE_IN_ROOT, so a symlink such as
/// <c>/etc/passwd -&gt; /../../host/etc/passwd</c> resolves inside the rootfs, never out of it.
/// </summary>
internal static class RootfsFiles
{
    private const int MaxAccountFile = 4 * 1024 * 1024;

    /// <summary>Linux's MAXSYMLINKS.</summary>
    private const int MaxSymlinks = 40;

    /// <summary>The text of <paramref name="path"/> inside <paramref name="rootfs"/>, or null when it does not exist.</summary>
    public static string? ReadText(string rootfs, string path)
    {
        using var root = PosixFs.OpenDirectory(rootfs);
        var errno = PosixFs.TryOpenInRoot(root, path, LibC.O_RDONLY, out var handle);
        if (errno is Errno.ENOENT or Errno.ENOTDIR)
        {
            return null;
        }

        if (errno != 0)
        {
            throw new InvalidArgumentException($"{path} in the container's rootfs cannot be opened (errno {errno})");
        }

        using (handle)
        using (var stream = new FileStream(handle!, FileAccess.Read, bufferSize: 0))
        {
            if (stream.Length > MaxAccountFile)
            {
                throw new InvalidArgumentException($"{path} in the container's rootfs is {stream.Length} bytes, more than the {MaxAccountFile} read");
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>
    /// Makes the absolute directory <paramref name="path"/> and its missing parents inside
    /// <paramref name="rootfs"/>, root-owned with mode 0755. A dangling symlink on the way is
    /// followed inside the rootfs and what it names is made, as the runtime makes mount targets.
    /// </summary>
    /// <param name="what">What the directory is, for errors.</param>
    /// <exception cref="InvalidArgumentException">A component exists and is not a directory, or the path has a "." or ".." component.</exception>
    public static void EnsureDirectory(string rootfs, string path, string what = "the working directory")
    {
        if (path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(name => name is "." or "..") is { } dots)
        {
            throw new InvalidArgumentException($"{what} \"{path}\" has a \"{dots}\" component; give a clean absolute path");
        }

        using var root = PosixFs.OpenDirectory(rootfs);
        EnsureDirectory(root, path, path, what, links: 0);
    }

    private static void EnsureDirectory(SafeFileHandle root, string path, string original, string what, int links)
    {
        var names = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i < names.Length; i++)
        {
            var next = current == "/" ? "/" + names[i] : current + "/" + names[i];
            var errno = PosixFs.TryOpenInRoot(root, next, LibC.O_PATH | LibC.O_DIRECTORY, out var existing);
            existing?.Dispose();
            if (errno == Errno.ENOENT)
            {
                using SafeFileHandle parent = PosixFs.OpenInRoot(root, current, LibC.O_PATH | LibC.O_DIRECTORY);
                if (PosixFs.TryReadLinkAt(parent, names[i], out var target) == 0)
                {
                    // A symlink to nothing yet: make its target, resolved from here inside the root.
                    if (links >= MaxSymlinks)
                    {
                        throw new InvalidArgumentException($"{what} \"{original}\" cannot be made in the container's rootfs: too many levels of symbolic links");
                    }

                    var rest = string.Join('/', names[(i + 1)..]);
                    var resolved = (target!.StartsWith('/') ? target : current + "/" + target) + (rest.Length > 0 ? "/" + rest : "");
                    EnsureDirectory(root, resolved, original, what, links + 1);
                    return;
                }

                var made = PosixFs.TryMakeDirectoryAt(parent, names[i], (UnixFileMode)0b111_101_101);
                if (made is not 0 and not Errno.EEXIST)
                {
                    throw new InvalidArgumentException($"{what} \"{original}\" cannot be made in the container's rootfs: mkdir \"{next}\" failed (errno {made})");
                }
            }
            else if (errno != 0)
            {
                throw new InvalidArgumentException($"{what} \"{original}\" cannot be used: \"{next}\" in the container's rootfs is not a directory (errno {errno})");
            }

            current = next;
        }
    }

    /// <summary>
    /// Makes an empty file (root-owned, 0644) at the absolute <paramref name="path"/> inside
    /// <paramref name="rootfs"/>, and its missing parent directories, unless something is there.
    /// A dangling symlink is followed, inside the rootfs, to where its file is made.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A parent exists and is not a directory, or the file cannot be made.</exception>
    public static void EnsureFile(string rootfs, string path)
    {
        EnsureDirectory(rootfs, Path.GetDirectoryName(path) ?? "/", $"the directory of {path}");
        using var root = PosixFs.OpenDirectory(rootfs);
        var errno = PosixFs.TryOpenInRoot(root, path, LibC.O_PATH, out var existing);
        existing?.Dispose();
        if (errno == Errno.ENOENT)
        {
            errno = PosixFs.TryOpenInRoot(root, path, LibC.O_WRONLY | LibC.O_CREAT, out var made, (UnixFileMode)0b110_100_100);
            made?.Dispose();
        }

        if (errno != 0)
        {
            throw new InvalidArgumentException($"{path} cannot be made in the container's rootfs (errno {errno})");
        }
    }
}
