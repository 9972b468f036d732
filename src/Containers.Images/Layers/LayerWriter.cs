using System.IO.Enumeration;
using Containers.Errors;
using Containers.Images.Layers.Tar;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Layers;

/// <summary>
/// Writes a layer in one pass: files from disk (or raw entries, or whiteouts) go through our tar
/// writer, then the compressor, and both the DiffID (uncompressed) and the digest (compressed)
/// are hashed on the way, so nothing is read twice. Files with several links become tar hard
/// links after their first appearance.
/// </summary>
public sealed class LayerWriter : IAsyncDisposable
{
    private readonly Stream _destination;
    private readonly bool _leaveOpen;
    private readonly LayerWriterOptions _options;
    private readonly HashingStream _compressedHash;
    private readonly Stream _compressor;
    private readonly HashingStream _tarHash;
    private readonly TarWriter _tar;
    private readonly Dictionary<(ulong Device, ulong Inode), string> _links = [];
    private readonly HashSet<(ulong Device, ulong Inode)> _assumed = [];
    private long _entries;
    private bool _completed;

    public LayerWriter(Stream destination, LayerWriterOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _leaveOpen = leaveOpen;
        _options = options ?? LayerWriterOptions.Default;
        _compressedHash = new HashingStream(destination, leaveOpen: true);
        _compressor = Compression.OpenCompressing(_compressedHash, _options.Compression, leaveOpen: true);
        _tarHash = new HashingStream(_compressor, leaveOpen: true);
        _tar = new TarWriter(_tarHash, leaveOpen: true);
    }

    /// <summary>Writes a whole directory tree, sorted by name, as a layer (the root itself is not an entry).</summary>
    public static async ValueTask<WrittenLayer> CreateAsync(string directory, string outputFile, LayerWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputFile);
        var file = new FileStream(outputFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            var writer = new LayerWriter(file, options);
            await using (writer.ConfigureAwait(false))
            {
                await writer.AddTreeAsync(directory, cancellationToken).ConfigureAwait(false);
                return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            File.Delete(outputFile);
            throw;
        }
    }

    /// <summary>Adds everything under <paramref name="directory"/>, sorted by name, depth first.</summary>
    public async ValueTask AddTreeAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new NotFoundException($"directory \"{directory}\" does not exist; give the directory to turn into a layer");
        }

        using var handle = PosixFs.OpenDirectory(root);
        await AddChildrenAsync(root, handle, string.Empty, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds one path of a tree (not its children) as the entry <paramref name="relativePath"/>.</summary>
    public ValueTask AddPathAsync(string root, string relativePath, CancellationToken cancellationToken = default) =>
        AddPathAsync(root, relativePath, withChildren: false, cancellationToken);

    /// <summary>Adds one path of a tree and, when it is a directory, everything under it, sorted by name.</summary>
    internal ValueTask AddSubtreeAsync(string root, string relativePath, CancellationToken cancellationToken = default) =>
        AddPathAsync(root, relativePath, withChildren: true, cancellationToken);

    /// <summary>
    /// Adds <paramref name="name"/> of the directory <paramref name="parent"/> as the entry
    /// <paramref name="entryName"/> and, when it is a directory, everything under it. Every step goes
    /// through a descriptor and never follows a symlink, so a tree that others change meanwhile
    /// (a running container's) cannot lead the walk out of it.
    /// </summary>
    internal ValueTask AddSubtreeAsync(SafeFileHandle parent, string name, string entryName, CancellationToken cancellationToken = default) =>
        AddWithChildrenAsync(parent, entryName, entryName, name, withChildren: true, cancellationToken);

    /// <summary>
    /// Records that the tree this layer will be applied onto already has the inode of
    /// <paramref name="status"/> at <paramref name="relativePath"/> (a diff leaves unchanged files
    /// out), so that a later path with the same inode becomes a hard link to it. False when this
    /// layer already wrote the inode: then the path must be added too, and becomes a hard link.
    /// </summary>
    internal bool TryAssumeLinked(FileStatus status, string relativePath)
    {
        var inode = (status.Device, status.Inode);
        if (_links.TryAdd(inode, relativePath))
        {
            _assumed.Add(inode);
            return true;
        }

        return _assumed.Contains(inode);
    }

    /// <summary>Adds a whiteout that deletes <paramref name="relativePath"/> from the layers below.</summary>
    public ValueTask AddWhiteoutAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        var (parent, name) = LayerPath.Split(relativePath);
        return AddMarkerAsync(LayerPath.Join(parent, Whiteout.For(name)), cancellationToken);
    }

    /// <summary>Adds an opaque whiteout: the directory hides every child the layers below gave it.</summary>
    public ValueTask AddOpaqueWhiteoutAsync(string relativeDirectory, CancellationToken cancellationToken = default) =>
        AddMarkerAsync(LayerPath.Join(relativeDirectory, Whiteout.Opaque), cancellationToken);

    /// <summary>Adds a raw entry, with exactly <see cref="TarEntry.Size"/> bytes of <paramref name="content"/>.</summary>
    public async ValueTask AddEntryAsync(TarEntry entry, Stream? content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _tar.WriteEntryAsync(Normalize(entry), content, cancellationToken).ConfigureAwait(false);
        _entries++;
    }

    /// <summary>Adds <paramref name="entry"/> with the content of the current entry of <paramref name="source"/>, copied straight into the writer's buffer.</summary>
    public async ValueTask AddEntryAsync(TarEntry entry, TarReader source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(source);
        await _tar.WriteHeaderAsync(Normalize(entry), cancellationToken).ConfigureAwait(false);
        while (source.RemainingData > 0)
        {
            var buffer = await _tar.GetDataBufferAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
            var read = await source.ReadDataAsync(buffer, cancellationToken).ConfigureAwait(false);
            await _tar.AdvanceAsync(read, cancellationToken).ConfigureAwait(false);
        }

        _entries++;
    }

    /// <summary>Ends the tar and the compressed stream, and returns the digests.</summary>
    public async ValueTask<WrittenLayer> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            throw new InvalidOperationException("the layer is already complete");
        }

        await _tar.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await _tarHash.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _compressor.DisposeAsync().ConfigureAwait(false);
        await _compressedHash.FlushAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
        return new WrittenLayer(_compressedHash.GetDigest(), _tarHash.GetDigest(), _compressedHash.BytesWritten, MediaType.LayerFor(_options.Compression, _options.DockerMediaTypes), _entries);
    }

    public async ValueTask DisposeAsync()
    {
        await _tar.DisposeAsync().ConfigureAwait(false);
        _tarHash.Dispose();
        await _compressor.DisposeAsync().ConfigureAwait(false);
        _compressedHash.Dispose();
        if (!_leaveOpen)
        {
            await _destination.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask AddMarkerAsync(string name, CancellationToken cancellationToken)
    {
        var time = _options.Reproducible ? _options.SourceDateEpoch : UnixTime.Epoch;
        await _tar.WriteHeaderAsync(new TarEntry { Name = name, Type = TarEntryType.RegularFile, ModificationTime = time }, cancellationToken).ConfigureAwait(false);
        _entries++;
    }

    private async ValueTask AddPathAsync(string root, string relativePath, bool withChildren, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var (parentPath, name) = LayerPath.Split(relativePath);
        using var parent = PosixFs.OpenDirectory(parentPath.Length == 0 ? root : Path.Combine(root, parentPath));
        await AddWithChildrenAsync(parent, Path.Combine(root, relativePath), relativePath, name, withChildren, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask AddChildrenAsync(string directoryPath, SafeFileHandle directory, string relative, CancellationToken cancellationToken)
    {
        // Listed through the descriptor: the path may meanwhile lead elsewhere.
        foreach (var name in ListSorted(PosixFs.ProcPath(directory)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await AddWithChildrenAsync(directory, Path.Join(directoryPath, name), LayerPath.Join(relative, name), name, withChildren: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask AddWithChildrenAsync(SafeFileHandle parent, string fullPath, string relativePath, string name, bool withChildren, CancellationToken cancellationToken)
    {
        var status = PosixFs.StatAt(parent, name);
        await AddAsync(parent, fullPath, relativePath, name, status, cancellationToken).ConfigureAwait(false);
        if (withChildren && status.Kind == FileKind.Directory)
        {
            using var child = PosixFs.OpenAt(parent, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW);
            await AddChildrenAsync(fullPath, child, relativePath, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A directory's names in ordinal order, so that the same tree always gives the same layer.</summary>
    internal static List<string> ListSorted(string directoryPath)
    {
        var names = new FileSystemEnumerable<string>(directoryPath, static (ref entry) => entry.FileName.ToString(), new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }).ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private async ValueTask AddAsync(SafeFileHandle parent, string fullPath, string relativePath, string name, FileStatus status, CancellationToken cancellationToken)
    {
        if (status.Kind is FileKind.Socket or FileKind.Unknown)
        {
            // Sockets belong to a running process; tar cannot carry them, and Docker leaves them out too.
            return;
        }

        if (status.Kind != FileKind.Directory && status.Links > 1)
        {
            if (_links.TryGetValue((status.Device, status.Inode), out var first))
            {
                var link = FileEntries.From(relativePath, status, xattrs: TarEntry.Empty) with { Type = TarEntryType.HardLink, LinkName = first, Size = 0 };
                await _tar.WriteHeaderAsync(Normalize(link), cancellationToken).ConfigureAwait(false);
                _entries++;
                return;
            }

            _links[(status.Device, status.Inode)] = relativePath;
        }

        var entry = FileEntries.From(relativePath, status, FileEntries.ReadXattrs(Path.Join(PosixFs.ProcPath(parent), name)));
        if (status.Kind == FileKind.Symlink)
        {
            entry = entry with { LinkName = PosixFs.ReadLinkAt(parent, name) };
        }

        entry = Normalize(entry);
        if (status.Kind != FileKind.Regular || status.Size == 0)
        {
            await _tar.WriteHeaderAsync(entry, cancellationToken).ConfigureAwait(false);
            _entries++;
            return;
        }

        using var file = PosixFs.OpenAt(parent, name, LibC.O_RDONLY | LibC.O_NOFOLLOW);
        await _tar.WriteHeaderAsync(entry, cancellationToken).ConfigureAwait(false);
        long offset = 0;
        while (offset < status.Size)
        {
            var buffer = await _tar.GetDataBufferAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
            var read = RandomAccess.Read(file, buffer.Span, offset);
            if (read == 0)
            {
                throw new ConflictException($"file \"{fullPath}\" shrank from {status.Size} to {offset} bytes while it was written into the layer; retry once nothing writes to it");
            }

            await _tar.AdvanceAsync(read, cancellationToken).ConfigureAwait(false);
            offset += read;
        }

        _entries++;
    }

    private TarEntry Normalize(TarEntry entry) =>
        _options.Reproducible ? entry with { ModificationTime = _options.SourceDateEpoch, UserName = null, GroupName = null } : entry;
}
