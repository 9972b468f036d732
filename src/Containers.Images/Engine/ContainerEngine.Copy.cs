using Containers.Errors;
using Containers.Images.Layers;
using Containers.Linux;
using Containers.Runtime.Spec;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    /// <summary>
    /// Extracts a tar (plain or compressed) into the directory <paramref name="containerDirectory"/>
    /// of a container, running or not, as <c>docker cp - ctr:/dir</c> does. A path under a bind
    /// mount or volume lands in it. Every name resolves inside the container's root (or the mount's),
    /// so neither a symlink in the container nor ".." in the archive leads out; <c>.wh.</c> names
    /// are ordinary files. Owners and modes are the archive's.
    /// </summary>
    /// <exception cref="NotFoundException">The container, or the directory in it, does not exist.</exception>
    /// <exception cref="InvalidArgumentException">The path is not a directory, or an entry of the archive breaks a rule.</exception>
    /// <exception cref="FailedPreconditionException">The path is on a read-only rootfs or mount, or on a tmpfs.</exception>
    public async Task CopyToAsync(string idOrName, string containerDirectory, Stream tar, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tar);
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        var (root, path, mount) = Locate(entry, containerDirectory);
        if (mount is { ReadOnly: true } || (mount is null && (await OciSpecs.LoadAsync(entry.Directory, cancellationToken).ConfigureAwait(false)).Root?.Readonly == true))
        {
            throw new FailedPreconditionException($"\"{containerDirectory}\" in container {entry.Record.Name} is on a read-only {(mount is null ? "root filesystem" : "mount")}; nothing can be copied into it");
        }

        using var rootHandle = PosixFs.OpenDirectory(root);
        var directory = CanonicalDirectory(rootHandle, path, containerDirectory, entry);
        await ContainerArchive.ExtractAsync(tar, rootHandle, directory, $"archive copied into \"{containerDirectory}\" of container {entry.Record.Name}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a plain tar of <paramref name="containerPath"/> in a container, running or not, and
    /// of everything under it, as <c>docker cp ctr:/path -</c> does: its entries are named from the
    /// path's last component (a symlink there is archived as a link), or with a path ending in
    /// <c>/.</c>, from the directory's content. The path resolves inside the container's root.
    /// </summary>
    /// <exception cref="NotFoundException">The container, or the path in it, does not exist.</exception>
    /// <exception cref="FailedPreconditionException">The path is on a tmpfs.</exception>
    public async Task CopyFromAsync(string idOrName, string containerPath, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        var (root, path, _) = Locate(entry, containerPath);
        var contentsOnly = containerPath.EndsWith("/.", StringComparison.Ordinal) || containerPath == ".";
        using var rootHandle = PosixFs.OpenDirectory(root);
        string name;
        string entryName;
        SafeFileHandle parent;
        if (contentsOnly || path.Length == 0)
        {
            parent = OpenInRoot(rootHandle, path, containerPath, entry, LibC.O_RDONLY | LibC.O_DIRECTORY);
            name = ".";
            entryName = contentsOnly ? "." : LastComponent(containerPath);
        }
        else
        {
            var (parentPath, last) = LayerPath.Split(path);
            parent = OpenInRoot(rootHandle, parentPath, containerPath, entry, LibC.O_RDONLY | LibC.O_DIRECTORY);
            if (PosixFs.TryStatAt(parent, last, out _) != 0)
            {
                parent.Dispose();
                throw NoSuchPath(containerPath, entry);
            }

            name = last;
            entryName = LastComponent(containerPath);
        }

        using (parent)
        {
            await ContainerArchive.WriteAsync(parent, name, entryName, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where a container path lives on the host: in the host source of the deepest bind mount or
    /// volume whose target holds it, else in the rootfs; with the rest of the path, clean and
    /// relative, to resolve inside that root. The path is cleaned as text first ("/a/../b" is "/b").
    /// </summary>
    /// <exception cref="FailedPreconditionException">The path is on a tmpfs, which exists only inside the running container.</exception>
    private (string Root, string Path, VolumeMount? Mount) Locate(Entry entry, string containerPath)
    {
        var clean = CleanContainerPath(containerPath);
        var mount = entry.Record.Mounts
            .Where(mount => clean == mount.Target || clean.StartsWith(mount.Target + "/", StringComparison.Ordinal))
            .MaxBy(mount => mount.Target.Length);
        if (mount is null)
        {
            return (Path.Combine(entry.Directory, RootfsDir), clean[1..], null);
        }

        if (mount.Kind == VolumeMountKind.Tmpfs)
        {
            throw new FailedPreconditionException($"\"{containerPath}\" in container {entry.Record.Name} is on the tmpfs at \"{mount.Target}\", which only the container's own processes reach; copy through exec instead");
        }

        var source = HostSource(mount);
        var rest = clean.Length > mount.Target.Length ? clean[(mount.Target.Length + 1)..] : "";
        if (!Directory.Exists(source))
        {
            // A bound file: its host directory is the root, and only the file itself is reachable.
            return (Path.GetDirectoryName(source)!, rest.Length == 0 ? Path.GetFileName(source) : throw NoSuchPath(containerPath, entry), mount);
        }

        return (source, rest, mount);
    }

    /// <summary>The directory <paramref name="path"/> resolved inside <paramref name="root"/>, as a clean path relative to it ("" for the root).</summary>
    private static string CanonicalDirectory(SafeFileHandle root, string path, string containerPath, Entry entry)
    {
        using var directory = OpenInRoot(root, path, containerPath, entry, LibC.O_PATH | LibC.O_DIRECTORY);
        var rootPath = PosixFs.ReadLinkAt(null, PosixFs.ProcPath(root));
        var directoryPath = PosixFs.ReadLinkAt(null, PosixFs.ProcPath(directory));
        var prefix = rootPath.EndsWith('/') ? rootPath : rootPath + "/";
        return directoryPath == rootPath
            ? ""
            : directoryPath.StartsWith(prefix, StringComparison.Ordinal)
                ? directoryPath[prefix.Length..]
                : throw new InvalidArgumentException($"\"{containerPath}\" in container {entry.Record.Name} resolves to \"{directoryPath}\", outside \"{rootPath}\"; refusing to copy");
    }

    private static SafeFileHandle OpenInRoot(SafeFileHandle root, string path, string containerPath, Entry entry, int flags)
    {
        var errno = PosixFs.TryOpenInRoot(root, path.Length == 0 ? "." : path, flags, out var handle);
        return errno switch
        {
            0 => handle!,
            Errno.ENOENT => throw NoSuchPath(containerPath, entry),
            Errno.ENOTDIR => throw new InvalidArgumentException($"\"{containerPath}\" in container {entry.Record.Name} is not a directory, or a component of it is not"),
            _ => throw Errno.ToException(errno, "openat2", $"\"{containerPath}\" in container {entry.Record.Name}"),
        };
    }

    /// <summary>An absolute path with "." and ".." taken away as text (".." stops at "/"); a relative one is taken from "/", as <c>docker cp</c> takes it.</summary>
    private static string CleanContainerPath(string containerPath)
    {
        ArgumentNullException.ThrowIfNull(containerPath);
        var parts = new List<string>();
        foreach (var part in containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>The last component of the clean path, "." for the root.</summary>
    private static string LastComponent(string containerPath) => CleanContainerPath(containerPath) is "/" ? "." : LayerPath.Split(CleanContainerPath(containerPath)[1..]).Name;

    private static NotFoundException NoSuchPath(string containerPath, Entry entry) =>
        new($"no such file or directory: \"{containerPath}\" in container {entry.Record.Name} ({entry.Record.Id[..12]})");
}
