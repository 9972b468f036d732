using System.Globalization;
using Containers.Errors;
using Containers.Images.Build.Steps;
using Containers.Images.Content;
using Containers.Images.Engine;
using Containers.Images.Layers;
using Containers.Images.Layers.Tar;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Build.Execution;

/// <summary>
/// Runs a <c>COPY</c> or <c>ADD</c> step: its layer is written straight from the sources, with no
/// container. Docker's destination rules apply: a trailing slash, an existing directory, a directory
/// source or several sources make the destination a directory; a directory source gives its
/// contents; missing parents are made (root-owned 0755, or the <c>--chown</c> owner). The
/// destination's existing parents are resolved in the state's filesystem, symlinks followed inside
/// it, and left out of the layer so that they keep their owners and modes. Files from the context
/// are owned by root unless <c>--chown</c> says otherwise; from a stage they keep their owners.
/// ADD extracts local tar archives (plain, gzip, bzip2, zstd) into the destination.
/// </summary>
internal sealed class CopyExecutor(BuildFilesystems filesystems, IContentStore store, Func<Digest, CancellationToken, Task> hold, TimeProvider time)
{
    /// <summary>Writes the layer of <paramref name="step"/> on <paramref name="state"/> from <paramref name="items"/>; null when it copies nothing.</summary>
    public async Task<ILayer?> CopyAsync(BuildState state, CopyStep step, IReadOnlyList<(SourceTree Tree, SourceItem Item)> items, CancellationToken cancellationToken)
    {
        var where = step.Description;
        var count = items.Count + step.InlineFiles.Count;
        var destination = step.Destination;
        var trailingSlash = destination.EndsWith('/') || destination is "." or ".." || destination.EndsWith("/.", StringComparison.Ordinal) || destination.EndsWith("/..", StringComparison.Ordinal);
        if (count > 1 && !trailingSlash)
        {
            throw new InvalidArgumentException($"{where}: when copying more than one source ({count} here), the destination \"{destination}\" must be a directory and end with a /");
        }

        var workingDir = string.IsNullOrEmpty(state.Config.WorkingDir) ? "/" : state.Config.WorkingDir;
        var absolute = destination.StartsWith('/') ? destination : $"{workingDir}/{destination}";
        var mode = ParseChmod(step.Chmod, where);
        var archives = new List<(SourceTree Tree, SourceItem Item)>();
        foreach (var (tree, item) in items)
        {
            if (step.IsAdd && !item.IsDirectory && IsArchive(tree, item))
            {
                archives.Add((tree, item));
            }
        }

        var needsView = !step.Link || (step.Chown is { } chown && chown.Split(':').Any(part => part.Length > 0 && !part.All(char.IsAsciiDigit)));
        var view = needsView ? await filesystems.OpenViewAsync(state, cancellationToken).ConfigureAwait(false) : null;
        try
        {
            var target = view is null
                ? new Destination(string.Empty, null, Clean(absolute))
                : SourceTree.ForFilesystem(view.Path, "the image").ResolveDestination(absolute, where);
            var owner = ResolveOwner(step.Chown, view?.Path, where);
            var directory = trailingSlash || target.Status is { Kind: FileKind.Directory } || archives.Count > 0
                || (count == 1 && items.Count == 1 && items[0].Item.IsDirectory);
            if (!directory && target.Path.Length == 0)
            {
                directory = true;
            }

            if (directory && target.Status is { Kind: not FileKind.Directory })
            {
                throw new InvalidArgumentException($"{where}: the destination \"{destination}\" is a file in the image, and this copy needs it to be a directory");
            }

            var now = UnixTime.FromDateTimeOffset(time.GetUtcNow());
            var plan = new SortedDictionary<string, Planned>(StringComparer.Ordinal);
            var created = directory ? target.Missing : target.Missing.Take(Math.Max(0, target.Missing.Count - 1)).ToList();
            if (!step.Link)
            {
                var made = target.Existing;
                foreach (var component in created)
                {
                    made = made.Length == 0 ? component : $"{made}/{component}";
                    plan[made] = new Planned.Directory(owner ?? (0, 0), now);
                }
            }

            var destinationPath = target.Path;
            string PathFor(string name) => directory ? Join(destinationPath, name) : destinationPath;
            foreach (var (tree, item) in items)
            {
                if (archives.Contains((tree, item)))
                {
                    continue;
                }

                if (item.IsDirectory)
                {
                    foreach (var child in item.Children)
                    {
                        plan[Join(destinationPath, child.RelativePath)] = new Planned.Source(tree, child, owner, mode);
                    }
                }
                else
                {
                    plan[PathFor(item.Name)] = new Planned.Source(tree, item.Top, owner, mode);
                }
            }

            foreach (var inline in step.InlineFiles)
            {
                plan[PathFor(inline.Name)] = new Planned.Inline(inline.Content, owner ?? (0, 0), mode ?? (UnixFileMode)0b110_100_100, now);
            }

            if (plan.Count == 0 && archives.Count == 0)
            {
                return null;
            }

            return await LayerBlobs.WriteAsync(store, state.MediaType.IsDocker, hold, async writer =>
            {
                await WritePlanAsync(writer, plan, cancellationToken).ConfigureAwait(false);
                foreach (var (tree, item) in archives)
                {
                    await ExtractAsync(writer, tree, item, destinationPath, owner, where, cancellationToken).ConfigureAwait(false);
                }

                return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (view is not null)
            {
                await view.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether an ADD source is a tar archive to extract: a tar header, compressed or not, at its start.</summary>
    internal static bool IsArchive(SourceTree tree, SourceItem item)
    {
        if (item.Top.Status.Kind != FileKind.Regular || item.Top.Status.Size < 4)
        {
            return false;
        }

        using var root = tree.OpenRoot();
        using var file = new FileStream(SourceTree.OpenFile(root, item.Top.Path), FileAccess.Read, bufferSize: 0);
        var head = new byte[ArchiveDecompression.MagicLength];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var compression = ArchiveDecompression.Detect(head.AsSpan(0, read));
        file.Position = 0;
        if (compression == ArchiveCompression.Xz)
        {
            // Docker extracts xz; we cannot, and copying the archive instead would hide that.
            throw new InvalidArgumentException($"ADD source \"{item.Pattern}\" is an xz-compressed archive, which this builder cannot extract; recompress it with gzip, bzip2 or zstd");
        }

        try
        {
            using var tar = ArchiveDecompression.OpenDecompressing(file, compression, item.Pattern);
            var header = new byte[512];
            return tar.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && IsTarHeader(header);
        }
        catch (Exception e) when (ArchiveDecompression.IsCorruption(e) || e is InvalidArgumentException)
        {
            // Not really compressed: an ordinary file that ADD copies as it is.
            return false;
        }
    }

    /// <summary>A ustar header (magic "ustar" at 257), or an old tar header whose checksum holds.</summary>
    private static bool IsTarHeader(ReadOnlySpan<byte> header)
    {
        if (header[257..262].SequenceEqual("ustar"u8))
        {
            return true;
        }

        var stored = header[148..156];
        var text = System.Text.Encoding.ASCII.GetString(stored).Trim('\0', ' ');
        if (text.Length == 0 || !text.All(c => c is >= '0' and <= '7'))
        {
            return false;
        }

        long sum = 0;
        for (var i = 0; i < header.Length; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : header[i];
        }

        return Convert.ToInt64(text, 8) == sum && header[0] != 0;
    }

    private static async ValueTask WritePlanAsync(LayerWriter writer, SortedDictionary<string, Planned> plan, CancellationToken cancellationToken)
    {
        var roots = new Dictionary<SourceTree, SafeFileHandle>();
        var links = new Dictionary<(ulong Device, ulong Inode), string>();
        try
        {
            foreach (var (path, planned) in plan)
            {
                switch (planned)
                {
                    case Planned.Directory dir:
                        await writer.AddEntryAsync(new TarEntry
                        {
                            Name = path + "/",
                            Type = TarEntryType.Directory,
                            Mode = 0b111_101_101,
                            Uid = dir.Owner.Uid,
                            Gid = dir.Owner.Gid,
                            ModificationTime = dir.Time,
                        }, content: null, cancellationToken).ConfigureAwait(false);
                        break;
                    case Planned.Inline inline:
                        using (var content = new MemoryStream(inline.Content, writable: false))
                        {
                            await writer.AddEntryAsync(new TarEntry
                            {
                                Name = path,
                                Type = TarEntryType.RegularFile,
                                Mode = (int)inline.Mode,
                                Uid = inline.Owner.Uid,
                                Gid = inline.Owner.Gid,
                                Size = inline.Content.Length,
                                ModificationTime = inline.Time,
                            }, content, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case Planned.Source source:
                        if (!roots.TryGetValue(source.Tree, out var root))
                        {
                            root = source.Tree.OpenRoot();
                            roots[source.Tree] = root;
                        }

                        await WriteSourceAsync(writer, root, path, source, links, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }
        finally
        {
            foreach (var root in roots.Values)
            {
                root.Dispose();
            }
        }
    }

    private static async ValueTask WriteSourceAsync(LayerWriter writer, SafeFileHandle root, string path, Planned.Source source, Dictionary<(ulong, ulong), string> links, CancellationToken cancellationToken)
    {
        var status = source.Entry.Status;
        if (status.Kind is FileKind.Socket or FileKind.Unknown)
        {
            return;
        }

        var entry = FileEntries.From(path, status, FileEntries.ReadXattrs(Path.Join(source.Tree.Root, source.Entry.Path))) with { UserName = null, GroupName = null };
        var owner = source.Owner ?? (source.Tree.IsContext ? (0u, 0u) : (status.Uid, status.Gid));
        entry = entry with { Uid = owner.Uid, Gid = owner.Gid };
        if (status.Kind != FileKind.Symlink && source.Mode is { } mode)
        {
            entry = entry with { Mode = (int)mode };
        }

        if (status.Kind == FileKind.Symlink)
        {
            await writer.AddEntryAsync(entry with { LinkName = source.Entry.LinkTarget }, content: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (status.Kind == FileKind.Regular && status.Links > 1)
        {
            if (links.TryGetValue((status.Device, status.Inode), out var first))
            {
                await writer.AddEntryAsync(entry with { Type = TarEntryType.HardLink, LinkName = first, Size = 0 }, content: null, cancellationToken).ConfigureAwait(false);
                return;
            }

            links[(status.Device, status.Inode)] = path;
        }

        if (status.Kind != FileKind.Regular || status.Size == 0)
        {
            await writer.AddEntryAsync(entry, content: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var file = SourceTree.OpenFile(root, source.Entry.Path);
        await using var stream = new FileStream(file, FileAccess.Read, bufferSize: 0);
        await writer.AddEntryAsync(entry, new BoundedStream(stream, status.Size, path), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the entries of an archive into the layer under <paramref name="directory"/>.</summary>
    private static async ValueTask ExtractAsync(LayerWriter writer, SourceTree tree, SourceItem item, string directory, (uint Uid, uint Gid)? owner, string where, CancellationToken cancellationToken)
    {
        var root = tree.OpenRoot();
        using (root)
        {
            var file = new FileStream(SourceTree.OpenFile(root, item.Top.Path), FileAccess.Read, 1 << 16);
            await using (file.ConfigureAwait(false))
            {
                var head = new byte[ArchiveDecompression.MagicLength];
                var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                var compression = ArchiveDecompression.Detect(head.AsSpan(0, read));
                var tar = ArchiveDecompression.OpenDecompressing(file, compression, item.Pattern);
                var reader = new TarReader(tar, new TarReaderOptions { Subject = $"ADD archive \"{item.Pattern}\"" });
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (ArchiveName(entry.Name, item.Pattern, where) is not { } name)
                        {
                            continue;
                        }

                        var linkName = entry.Type == TarEntryType.HardLink && entry.LinkName is { } target
                            ? Join(directory, ArchiveName(target, item.Pattern, where) ?? target)
                            : entry.LinkName;
                        var renamed = entry with
                        {
                            Name = Join(directory, name) + (entry.Type == TarEntryType.Directory ? "/" : ""),
                            LinkName = linkName,
                            Uid = owner?.Uid ?? entry.Uid,
                            Gid = owner?.Gid ?? entry.Gid,
                            UserName = null,
                            GroupName = null,
                        };
                        await writer.AddEntryAsync(renamed, reader, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>An archive entry's name without "./" or "/" in front and any trailing "/"; null for the archive's root; ".." refused.</summary>
    private static string? ArchiveName(string name, string archive, string where)
    {
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Contains(".."))
        {
            throw new InvalidArgumentException($"{where}: archive \"{archive}\" has entry \"{name}\", which leaves the destination with \"..\"; ADD extracts only paths inside it");
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>The owner <c>--chown</c> names, resolved in the image's account files as BuildKit does: a user name gives its uid and primary group; an id alone is both uid and gid.</summary>
    private static (uint Uid, uint Gid)? ResolveOwner(string? chown, string? rootfs, string where)
    {
        if (string.IsNullOrEmpty(chown))
        {
            return null;
        }

        var colon = chown.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? chown : chown[..colon];
        var group = colon < 0 ? null : chown[(colon + 1)..];
        string? passwd = rootfs is null ? null : RootfsFiles.ReadText(rootfs, "/etc/passwd");
        string? groups = rootfs is null ? null : RootfsFiles.ReadText(rootfs, "/etc/group");
        try
        {
            var resolved = ImageConfigMerge.ResolveUser(string.IsNullOrEmpty(group) ? user : $"{user}:{group}", passwd, groups);
            var gid = string.IsNullOrEmpty(group) && user.All(char.IsAsciiDigit) ? resolved.Uid : resolved.Gid;
            return (resolved.Uid, gid);
        }
        catch (InvalidArgumentException e)
        {
            throw new InvalidArgumentException($"{where}: --chown={chown}: {e.Message}", e);
        }
    }

    private static UnixFileMode? ParseChmod(string? chmod, string where)
    {
        if (string.IsNullOrEmpty(chmod))
        {
            return null;
        }

        if (chmod.Length > 4 || !chmod.All(c => c is >= '0' and <= '7'))
        {
            throw new InvalidArgumentException($"{where}: --chmod={chmod} is not an octal mode; give up to four octal digits, such as 755 or 0644");
        }

        return (UnixFileMode)Convert.ToInt32(chmod, 8);
    }

    private static List<string> Clean(string absolute)
    {
        var parts = new List<string>();
        foreach (var part in absolute.Split('/', StringSplitOptions.RemoveEmptyEntries))
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

        return parts;
    }

    private static string Join(string directory, string name) =>
        directory.Length == 0 ? name : name.Length == 0 ? directory : $"{directory}/{name}";

    /// <summary>What one path of the layer will be.</summary>
    private abstract record Planned
    {
        /// <summary>A directory the copy makes.</summary>
        public sealed record Directory((uint Uid, uint Gid) Owner, UnixTime Time) : Planned;

        /// <summary>A file a heredoc gives.</summary>
        public sealed record Inline(byte[] Content, (uint Uid, uint Gid) Owner, UnixFileMode Mode, UnixTime Time) : Planned;

        /// <summary>A file of a source tree; null owner and mode keep the source's.</summary>
        public sealed record Source(SourceTree Tree, SourceEntry Entry, (uint Uid, uint Gid)? Owner, UnixFileMode? Mode) : Planned;
    }

    /// <summary>Exactly <c>length</c> bytes of a file: a file that shrank since it was listed is an error, one that grew is cut.</summary>
    private sealed class BoundedStream(Stream inner, long length, string path) : ReadOnlyStream
    {
        private long _remaining = length;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_remaining == 0)
            {
                return 0;
            }

            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            if (read == 0)
            {
                throw new ConflictException($"source file for \"{path}\" shrank while it was copied; retry once nothing writes to the build context");
            }

            _remaining -= read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_remaining == 0)
            {
                return 0;
            }

            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ConflictException($"source file for \"{path}\" shrank while it was copied; retry once nothing writes to the build context");
            }

            _remaining -= read;
            return read;
        }
    }
}
