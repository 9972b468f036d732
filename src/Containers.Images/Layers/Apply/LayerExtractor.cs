using System.Buffers;
using Containers.Errors;
using Containers.Images.Layers.Tar;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Layers.Apply;

/// <summary>
/// Extracts one layer's entries under a root directory descriptor. Every lookup of a parent goes
/// through openat2 with RESOLVE_IN_ROOT, so ".." and symlinks, absolute or not, left by this layer
/// or a lower one, resolve inside the root as if chrooted there; the last component is then
/// created, replaced or removed with *at calls that never follow it.
/// </summary>
internal sealed class LayerExtractor : IDisposable
{
    private const int DataBufferSize = 1 << 20;
    private static readonly int DirectoryPathFlags = LibC.O_PATH | LibC.O_DIRECTORY;

    private readonly SafeFileHandle _root;
    private readonly LayerApplyOptions _options;
    private readonly string _subject;
    private readonly IRemovalObserver? _observer;
    private readonly bool _applyWhiteouts;

    // What this layer itself created: its whiteouts must only touch lower layers.
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    private readonly List<(string Path, UnixTime Time)> _directoryTimes = [];

    // Lower directories this layer adds to or removes from without listing them: their times are
    // put back at the end, so the tree does not depend on when it was applied (umoci does the same).
    private readonly HashSet<string> _keptPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<(ulong Device, ulong Inode), (string Path, FileStatus Status)> _keptTimes = [];
    private readonly byte[] _data = ArrayPool<byte>.Shared.Rent(DataBufferSize);

    // One cached parent: tar streams list a directory's entries together.
    private string? _cachedPath;
    private SafeFileHandle? _cachedParent;

    /// <param name="applyWhiteouts">
    /// Whether <c>.wh.</c> entries remove what lies below, as in a layer. An archive copied into a
    /// container (<c>docker cp</c>) is no layer: its <c>.wh.</c> names are ordinary files.
    /// </param>
    public LayerExtractor(SafeFileHandle root, LayerApplyOptions options, string subject, IRemovalObserver? observer = null, bool applyWhiteouts = true)
    {
        _root = root;
        _options = options;
        _subject = subject;
        _observer = observer;
        _applyWhiteouts = applyWhiteouts;
    }

    public async ValueTask ApplyAsync(TarReader reader, TarEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyEntryAsync(reader, entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Errno.Of(e) != 0 && !e.Message.Contains(EntryContext(entry), StringComparison.Ordinal))
        {
            // A syscall failed in a helper whose message names only a path (a name over NAME_MAX, no fds left): say which entry.
            throw Errno.WithContext(e, EntryContext(entry));
        }
        catch (IOException e) when (Errno.Of(e) == 0 && !e.Message.Contains(EntryContext(entry), StringComparison.Ordinal))
        {
            // The same for .NET's own I/O on our descriptors (writing content to a full disk, listing a directory).
            throw new IOException($"{EntryContext(entry)}: {e.Message}", e);
        }
    }

    private async ValueTask ApplyEntryAsync(TarReader reader, TarEntry entry, CancellationToken cancellationToken)
    {
        var path = LayerPath.Clean(entry.Name, _subject);
        if (path.Length == 0)
        {
            if (entry.Type != TarEntryType.Directory)
            {
                throw Refuse(entry, "would replace the root itself");
            }

            SetMetadata(_root, entry, symlink: false);
            _directoryTimes.Add((string.Empty, entry.ModificationTime));
            return;
        }

        var (parentPath, name) = LayerPath.Split(path);
        if (_applyWhiteouts && name.StartsWith(Whiteout.Prefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(entry, parentPath, name);
            return;
        }

        var existingParent = OpenParent(entry, parentPath);
        KeepTimes(existingParent, parentPath);
        ReplaceExisting(entry, existingParent, path, name);

        // Removing a directory or a symlink drops the cached parent, so it is looked up again.
        var parent = OpenParent(entry, parentPath);
        switch (entry.Type)
        {
            case TarEntryType.Directory:
                {
                    Check(entry, PosixFs.TryMakeDirectoryAt(parent, name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "mkdirat", allowExisting: true);
                    using var directory = PosixFs.OpenAt(parent, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW);
                    SetMetadata(directory, entry, symlink: false);
                    _directoryTimes.Add((path, entry.ModificationTime));
                    break;
                }

            case TarEntryType.RegularFile:
                {
                    using var file = PosixFs.OpenAt(parent, name, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    await WriteContentAsync(reader, file, cancellationToken).ConfigureAwait(false);
                    SetMetadata(file, entry, symlink: false);
                    PosixFs.SetTimes(file, (entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds), (entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds));
                    break;
                }

            case TarEntryType.SymbolicLink:
                {
                    if (string.IsNullOrEmpty(entry.LinkName))
                    {
                        throw Refuse(entry, "is a symlink with an empty target");
                    }

                    PosixFs.SymlinkAt(entry.LinkName, parent, name);
                    using var link = PosixFs.OpenAt(parent, name, LibC.O_PATH | LibC.O_NOFOLLOW);
                    SetMetadata(link, entry, symlink: true);
                    PosixFs.SetTimes(link, (entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds), (entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds));
                    break;
                }

            case TarEntryType.HardLink:
                Link(entry, parent, name);
                break;

            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                {
                    var kind = entry.Type switch
                    {
                        TarEntryType.CharacterDevice => FileKind.CharDevice,
                        TarEntryType.BlockDevice => FileKind.BlockDevice,
                        _ => FileKind.Fifo,
                    };
                    if (kind != FileKind.Fifo && !Environment.IsPrivilegedProcess)
                    {
                        // Only root may make device nodes; a rootless unpack leaves them out, as rootless Docker does.
                        return;
                    }

                    PosixFs.MakeNodeAt(parent, name, kind, UnixFileMode.UserRead | UnixFileMode.UserWrite, (uint)entry.DeviceMajor, (uint)entry.DeviceMinor);
                    using var node = PosixFs.OpenAt(parent, name, LibC.O_PATH | LibC.O_NOFOLLOW);
                    SetMetadata(node, entry, symlink: false);
                    PosixFs.SetTimes(node, (entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds), (entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds));
                    break;
                }

            default:
                throw Refuse(entry, $"has unsupported type {entry.Type}");
        }

        _created.Add(path);
    }

    /// <summary>
    /// Sets directory times last, once nothing more is created inside them: first the kept times
    /// of lower directories this layer does not list, then, deepest first, the times of the
    /// directories it lists (which win when a directory is both).
    /// </summary>
    public void Finish()
    {
        foreach (var (path, status) in _keptTimes.Values)
        {
            SetDirectoryTimes(path, status.ATime, status.MTime);
        }

        for (var i = _directoryTimes.Count - 1; i >= 0; i--)
        {
            var (path, time) = _directoryTimes[i];
            SetDirectoryTimes(path, (time.Seconds, time.Nanoseconds), (time.Seconds, time.Nanoseconds));
        }
    }

    public void Dispose()
    {
        _cachedParent?.Dispose();
        ArrayPool<byte>.Shared.Return(_data);
    }

    private void SetDirectoryTimes(string path, (long Seconds, uint Nanoseconds) atime, (long Seconds, uint Nanoseconds) mtime)
    {
        var errno = PosixFs.TryOpenInRoot(_root, path.Length == 0 ? "." : path, LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_DIRECTORY, out var handle);
        if (errno != 0)
        {
            // Replaced or removed by a later entry of this layer.
            return;
        }

        using (handle)
        {
            PosixFs.SetTimes(handle!, atime, mtime);
        }
    }

    /// <summary>
    /// Remembers the times of a directory from the layers below before this layer first changes
    /// its entries; one this layer created or lists gets its times from the layer instead.
    /// </summary>
    private void KeepTimes(SafeFileHandle directory, string path)
    {
        if (_created.Contains(path) || !_keptPaths.Add(path))
        {
            return;
        }

        // By inode: through a lower symlink ("lib" -> "usr/lib") two paths can name one directory,
        // and the first sight holds the times from before this layer touched it.
        var status = PosixFs.Stat(directory);
        _keptTimes.TryAdd((status.Device, status.Inode), (path, status));
    }

    private void ApplyWhiteout(TarEntry entry, string parentPath, string name)
    {
        if (name == Whiteout.Opaque)
        {
            _observer?.ChildrenRemoved(parentPath);
            var directory = OpenDirectoryCreating(entry, parentPath);
            using (directory.Owned ? directory.Handle : null)
            {
                RemoveLowerChildren(directory.Handle, parentPath);
            }

            return;
        }

        if (name.StartsWith(Whiteout.MetaPrefix, StringComparison.Ordinal))
        {
            // aufs bookkeeping (.wh..wh.plnk and the like): nothing of a rootfs.
            return;
        }

        var target = name[Whiteout.Prefix.Length..];
        if (target.Length == 0 || target is "." or "..")
        {
            throw Refuse(entry, $"is a malformed whiteout (\"{name}\" names no file); refusing the layer");
        }

        var targetPath = LayerPath.Join(parentPath, target);
        if (_created.Contains(targetPath))
        {
            return;
        }

        _observer?.PathRemoved(targetPath);

        var errno = PosixFs.TryOpenInRoot(_root, parentPath.Length == 0 ? "." : parentPath, DirectoryPathFlags, out var parent);
        if (errno is Errno.ENOENT or Errno.ENOTDIR)
        {
            return;
        }

        Check(entry, errno, "openat2");
        using (parent)
        {
            KeepTimes(parent!, parentPath);
            Remove(entry, parent!, target);
        }
    }

    /// <summary>Removes every child of a directory that this layer did not create, recursing into the ones it did.</summary>
    private void RemoveLowerChildren(SafeFileHandle directory, string directoryPath)
    {
        KeepTimes(directory, directoryPath);
        using var listing = PosixFs.OpenAt(directory, ".", LibC.O_RDONLY | LibC.O_DIRECTORY);
        foreach (var name in ListNames(listing))
        {
            var childPath = LayerPath.Join(directoryPath, name);
            if (!_created.Contains(childPath))
            {
                RemoveTree(directory, name);
                continue;
            }

            if (PosixFs.TryStatAt(directory, name, out var status) == 0 && status.Kind == FileKind.Directory)
            {
                using var child = PosixFs.OpenAt(directory, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW);
                RemoveLowerChildren(child, childPath);
            }
        }

        InvalidateParentCache();
    }

    private void ReplaceExisting(TarEntry entry, SafeFileHandle parent, string path, string name)
    {
        if (PosixFs.TryStatAt(parent, name, out var existing) != 0)
        {
            return;
        }

        if (existing.Kind == FileKind.Directory && entry.Type == TarEntryType.Directory)
        {
            // Directories merge with the lower one; only the metadata changes.
            return;
        }

        if (entry.Type == TarEntryType.HardLink && HardLinkTarget(entry) == path)
        {
            throw Refuse(entry, "is a hard link to itself");
        }

        if (entry.Type == TarEntryType.Directory)
        {
            // A directory over a non-directory: what the layers below had under this name is gone.
            _observer?.PathRemoved(path);
        }

        Remove(entry, parent, name);
    }

    private void Remove(TarEntry entry, SafeFileHandle parent, string name)
    {
        if (PosixFs.TryStatAt(parent, name, out var existing) != 0)
        {
            return;
        }

        if (existing.Kind == FileKind.Directory)
        {
            RemoveTree(parent, name);
        }
        else
        {
            Check(entry, PosixFs.TryUnlinkAt(parent, name), "unlinkat");
        }

        if (existing.Kind is FileKind.Directory or FileKind.Symlink)
        {
            // A cached parent below what was removed (or reached through it) is stale now.
            InvalidateParentCache();
        }
    }

    /// <summary>
    /// rm -rf of one name under a directory descriptor, never following a symlink. It walks with a
    /// stack of its own, not by recursion: symlinks let a stack of layers build trees far deeper
    /// than any one name, deep enough to overflow the call stack and kill the process.
    /// </summary>
    internal static void RemoveTree(SafeFileHandle parent, string name)
    {
        if (TryUnlinkNonDirectory(parent, name))
        {
            return;
        }

        var stack = new Stack<(SafeFileHandle Directory, string Name, List<string> Children)>();
        try
        {
            stack.Push(OpenForRemoval(parent, name));
            while (stack.TryPeek(out var top))
            {
                if (top.Children.Count > 0)
                {
                    var child = top.Children[^1];
                    top.Children.RemoveAt(top.Children.Count - 1);
                    if (!TryUnlinkNonDirectory(top.Directory, child))
                    {
                        stack.Push(OpenForRemoval(top.Directory, child));
                    }

                    continue;
                }

                stack.Pop();
                top.Directory.Dispose();
                PosixFs.UnlinkAt(stack.TryPeek(out var above) ? above.Directory : parent, top.Name, directory: true);
            }
        }
        finally
        {
            foreach (var (directory, _, _) in stack)
            {
                directory.Dispose();
            }
        }
    }

    /// <summary>unlinkat of anything but a directory; false when <paramref name="name"/> is a directory.</summary>
    private static bool TryUnlinkNonDirectory(SafeFileHandle parent, string name)
    {
        var errno = PosixFs.TryUnlinkAt(parent, name);
        if (errno is 0 or Errno.ENOENT)
        {
            return true;
        }

        if (errno != Errno.EISDIR && errno != Errno.EPERM)
        {
            throw Errno.ToException(errno, "unlinkat", $"\"{name}\"");
        }

        return false;
    }

    private static (SafeFileHandle Directory, string Name, List<string> Children) OpenForRemoval(SafeFileHandle parent, string name)
    {
        var directory = PosixFs.OpenAt(parent, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW);
        try
        {
            return (directory, name, ListNames(directory));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    private static List<string> ListNames(SafeFileHandle directory)
    {
        // The kernel resolves /proc/self/fd/N to the directory itself, not through any path.
        var names = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(PosixFs.ProcPath(directory)))
        {
            names.Add(Path.GetFileName(path));
        }

        return names;
    }

    /// <summary>A hard link's target as a clean path inside the root; one that is empty or climbs out is refused.</summary>
    private string HardLinkTarget(TarEntry entry) =>
        string.IsNullOrEmpty(entry.LinkName)
            ? throw Refuse(entry, "is a hard link with an empty target")
            : LayerPath.Clean(entry.LinkName, _subject, $"entry \"{entry.Name}\": hard link target");

    private void Link(TarEntry entry, SafeFileHandle parent, string name)
    {
        var target = HardLinkTarget(entry);
        if (target.Length == 0)
        {
            throw Refuse(entry, "is a hard link to the root");
        }

        var (targetParentPath, targetName) = LayerPath.Split(target);
        var errno = PosixFs.TryOpenInRoot(_root, targetParentPath.Length == 0 ? "." : targetParentPath, DirectoryPathFlags, out var targetParent);
        if (errno is Errno.ENOENT or Errno.ENOTDIR)
        {
            throw Refuse(entry, $"is a hard link to \"{entry.LinkName}\", which does not exist in the layers below or before it");
        }

        Check(entry, errno, "openat2");
        using (targetParent)
        {
            if (PosixFs.TryStatAt(targetParent, targetName, out var status) != 0)
            {
                throw Refuse(entry, $"is a hard link to \"{entry.LinkName}\", which does not exist in the layers below or before it");
            }

            if (status.Kind == FileKind.Directory)
            {
                throw Refuse(entry, $"is a hard link to the directory \"{entry.LinkName}\"");
            }

            PosixFs.LinkAt(targetParent, targetName, parent, name);
        }
    }

    private async ValueTask WriteContentAsync(TarReader reader, SafeFileHandle file, CancellationToken cancellationToken)
    {
        long offset = 0;
        int read;
        while ((read = await reader.ReadDataAsync(_data, cancellationToken).ConfigureAwait(false)) > 0)
        {
            RandomAccess.Write(file, _data.AsSpan(0, read), offset);
            offset += read;
        }
    }

    private void SetMetadata(SafeFileHandle handle, TarEntry entry, bool symlink)
    {
        if (_options.RestoreOwnership)
        {
            if (entry.Uid > uint.MaxValue - 1 || entry.Gid > uint.MaxValue - 1)
            {
                throw Refuse(entry, $"has uid {entry.Uid} or gid {entry.Gid} beyond what Linux allows");
            }

            PosixFs.ChangeOwner(handle, (uint)entry.Uid, (uint)entry.Gid);
        }

        // chown clears setuid bits and file capabilities, so the mode and xattrs come after it.
        if (!symlink)
        {
            PosixFs.ChangeMode(handle, (UnixFileMode)(entry.Mode & 0xfff));
        }

        if (_options.RestoreExtendedAttributes)
        {
            foreach (var (key, value) in entry.ExtendedAttributes)
            {
                SetXattr(handle, entry, key, value, symlink);
            }
        }
    }

    private static void SetXattr(SafeFileHandle handle, TarEntry entry, string key, byte[] value, bool symlink)
    {
        try
        {
            PosixFs.SetXattr(handle, key, value);
        }
        catch (Exception e) when (Errno.Of(e) is Errno.EOPNOTSUPP || (Errno.Of(e) is Errno.EPERM && (symlink || !Environment.IsPrivilegedProcess)))
        {
            // The filesystem has no such namespace, or only root may set it: the image still runs, as with Docker.
            _ = entry;
        }
    }

    private SafeFileHandle OpenParent(TarEntry entry, string parentPath)
    {
        if (parentPath.Length == 0)
        {
            return _root;
        }

        if (_cachedPath == parentPath && _cachedParent is not null)
        {
            return _cachedParent;
        }

        var directory = OpenDirectoryCreating(entry, parentPath);
        InvalidateParentCache();
        _cachedPath = parentPath;
        _cachedParent = directory.Handle;
        return directory.Handle;
    }

    /// <summary>Opens a directory inside the root, making missing ones (0755, as Docker does) on the way.</summary>
    private (SafeFileHandle Handle, bool Owned) OpenDirectoryCreating(TarEntry entry, string path)
    {
        if (path.Length == 0)
        {
            return (_root, false);
        }

        var errno = PosixFs.TryOpenInRoot(_root, path, DirectoryPathFlags, out var handle);
        if (errno == 0)
        {
            return (handle!, true);
        }

        if (errno == Errno.ENOTDIR)
        {
            throw Refuse(entry, $"needs \"{path}\" to be a directory, but it is not");
        }

        Check(entry, errno is Errno.ENOENT ? 0 : errno, "openat2");
        var (parentPath, name) = LayerPath.Split(path);
        var parent = OpenDirectoryCreating(entry, parentPath);
        using (parent.Owned ? parent.Handle : null)
        {
            KeepTimes(parent.Handle, parentPath);
            Check(entry, PosixFs.TryMakeDirectoryAt(parent.Handle, name, (UnixFileMode)0x1ed), "mkdirat", allowExisting: true);
            _created.Add(path);
            errno = PosixFs.TryOpenAt(parent.Handle, name, DirectoryPathFlags | LibC.O_NOFOLLOW, out handle);
            if (errno == Errno.ELOOP || errno == Errno.ENOTDIR)
            {
                throw Refuse(entry, $"needs \"{path}\" to be a directory, but it is not");
            }

            Check(entry, errno, "openat");
            return (handle!, true);
        }
    }

    private void InvalidateParentCache()
    {
        _cachedParent?.Dispose();
        _cachedParent = null;
        _cachedPath = null;
    }

    private void Check(TarEntry entry, int errno, string call, bool allowExisting = false)
    {
        if (errno == 0 || (allowExisting && errno == Errno.EEXIST))
        {
            return;
        }

        throw Errno.ToException(errno, call, $"for {EntryContext(entry)}");
    }

    private string EntryContext(TarEntry entry) => $"{_subject} entry \"{entry.Name}\"";

    private InvalidArgumentException Refuse(TarEntry entry, string what) => new($"{EntryContext(entry)} {what}");
}
