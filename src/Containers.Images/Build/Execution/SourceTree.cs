using Containers.Errors;
using Containers.Images.Build.Context;
using Containers.Images.Layers;
using Containers.Linux;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Build.Execution;

/// <summary>
/// A tree COPY reads from: the build context, where a symlink may not lead out and what
/// <c>.dockerignore</c> hides is not seen, or a stage's or image's filesystem, where symlinks
/// resolve inside it as in a chroot. Sources are found by Go's glob rules; a symlink named as a
/// source is followed, symlinks inside a copied directory are copied as they are.
/// </summary>
internal sealed class SourceTree
{
    /// <summary>Linux's MAXSYMLINKS.</summary>
    private const int MaxSymlinks = 40;

    private readonly IBuildContext? _context;

    private SourceTree(string root, string description, IBuildContext? context)
    {
        Root = root;
        Description = description;
        _context = context;
    }

    /// <summary>The tree's root on this host.</summary>
    public string Root { get; }

    /// <summary>What the tree is, for errors: <c>the build context</c>, <c>stage "builder"</c>.</summary>
    public string Description { get; }

    /// <summary>Whether this is the build context: its files' owners are not copied, and no symlink may leave it.</summary>
    public bool IsContext => _context is not null;

    public static SourceTree ForContext(IBuildContext context) => new(context.Directory, "the build context", context);

    public static SourceTree ForFilesystem(string root, string description) => new(root, description, context: null);

    /// <summary>Opens the tree's root for descriptor-relative reads.</summary>
    public SafeFileHandle OpenRoot() => PosixFs.OpenDirectory(Root);

    /// <summary>
    /// The items <paramref name="patterns"/> name, in order: each literal path, or every match of a
    /// glob (sorted). An item that is a directory comes with everything under it.
    /// </summary>
    /// <param name="where">The step, for errors.</param>
    /// <exception cref="NotFoundException">A path does not exist (or is hidden), or a glob matches nothing.</exception>
    /// <exception cref="InvalidArgumentException">A path or symlink leads out of the context.</exception>
    public IReadOnlyList<SourceItem> Expand(IReadOnlyList<string> patterns, string where)
    {
        using var root = OpenRoot();
        var items = new List<SourceItem>();
        foreach (var pattern in patterns)
        {
            var components = Components(pattern, where);
            var matches = new List<List<string>> { new() };
            var glob = false;
            foreach (var component in components)
            {
                if (!PathGlob.HasMeta(component))
                {
                    matches.ForEach(m => m.Add(component));
                    continue;
                }

                glob = true;
                var next = new List<List<string>>();
                foreach (var match in matches)
                {
                    if (Resolve(root, match, followLast: true, where) is not { Missing: false } dir || dir.Status.Kind != FileKind.Directory)
                    {
                        continue;
                    }

                    foreach (var name in LayerWriter.ListSorted(Path.Join(Root, dir.Path)))
                    {
                        if (PathGlob.Match(component, name))
                        {
                            next.Add([.. match, name]);
                        }
                    }
                }

                matches = next;
            }

            var found = 0;
            foreach (var match in matches)
            {
                var resolved = Resolve(root, match, followLast: true, where);
                if (resolved.Missing || IsHidden(resolved.Path))
                {
                    if (!glob)
                    {
                        throw new NotFoundException($"{where}: \"{pattern}\" is not in {Description}{(resolved.Missing ? "" : " (.dockerignore excludes it)")}; check the path");
                    }

                    continue;
                }

                found++;
                var children = resolved.Status.Kind == FileKind.Directory ? Walk(root, resolved.Path) : [];
                var top = new SourceEntry(string.Empty, resolved.Path, resolved.Status, resolved.Status.Kind == FileKind.Symlink ? PosixFs.ReadLinkAt(root, resolved.Path) : null);
                items.Add(new SourceItem(pattern, match.Count == 0 ? string.Empty : match[^1], top, children));
            }

            if (found == 0)
            {
                throw new NotFoundException($"{where}: no source files were specified: \"{pattern}\" matches nothing in {Description}");
            }
        }

        return items;
    }

    /// <summary>Opens a regular file found by <see cref="Expand"/> for reading, refusing any symlink on the way.</summary>
    public static SafeFileHandle OpenFile(SafeFileHandle root, string path) =>
        PosixFs.OpenInRoot(root, path, LibC.O_RDONLY | LibC.O_NOFOLLOW, resolve: LibC.RESOLVE_BENEATH | LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_MAGICLINKS);

    /// <summary>A pattern's components: leading slashes, "." and empty components dropped; ".." refused where it would leave the tree.</summary>
    private List<string> Components(string pattern, string where)
    {
        var components = new List<string>();
        foreach (var component in pattern.Split('/'))
        {
            if (component is "" or ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (components.Count == 0)
                {
                    if (IsContext)
                    {
                        throw new InvalidArgumentException($"{where}: \"{pattern}\" is outside {Description}; a source must be inside it");
                    }

                    continue;
                }

                components.RemoveAt(components.Count - 1);
                continue;
            }

            components.Add(component);
        }

        return components;
    }

    /// <summary>
    /// Resolves <paramref name="components"/> from the root, following symlinks (the last one only
    /// with <paramref name="followLast"/>): in the context a symlink may not lead out, elsewhere it
    /// resolves inside the root. The result's path has no symlink but possibly its last component.
    /// </summary>
    private Resolved Resolve(SafeFileHandle root, IReadOnlyList<string> components, bool followLast, string where)
    {
        var pending = new LinkedList<string>(components);
        var resolved = new List<string>();
        var links = 0;
        var status = PosixFs.Stat(root);
        while (pending.First is { } first)
        {
            var name = first.Value;
            pending.RemoveFirst();
            if (name is "" or ".")
            {
                continue;
            }

            if (name == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                else if (IsContext)
                {
                    throw Escape(components, where);
                }

                continue;
            }

            var candidate = string.Join('/', [.. resolved, name]);
            if (PosixFs.TryStatAt(root, candidate, out var found) != 0)
            {
                return new Resolved(candidate, default, Missing: true) { Existing = string.Join('/', resolved), Remaining = [name, .. pending] };
            }

            if (found.Kind == FileKind.Symlink && (pending.Count > 0 || followLast))
            {
                if (++links > MaxSymlinks)
                {
                    throw new InvalidArgumentException($"{where}: \"{string.Join('/', components)}\" in {Description} has too many levels of symbolic links");
                }

                var target = PosixFs.ReadLinkAt(root, candidate);
                if (target.StartsWith('/'))
                {
                    if (IsContext)
                    {
                        throw Escape(components, where);
                    }

                    resolved.Clear();
                }

                foreach (var part in target.Split('/').Reverse())
                {
                    pending.AddFirst(part);
                }

                continue;
            }

            if (pending.Count > 0 && found.Kind != FileKind.Directory)
            {
                return new Resolved(candidate, found, Missing: true) { Blocked = true };
            }

            resolved.Add(name);
            status = found;
        }

        return new Resolved(string.Join('/', resolved), status, Missing: false);
    }

    /// <summary>Everything under the directory <paramref name="path"/>, parents first, names sorted; symlinks are not followed.</summary>
    private List<SourceEntry> Walk(SafeFileHandle root, string path)
    {
        var entries = new List<SourceEntry>();
        void Visit(string directory, string relative)
        {
            foreach (var name in LayerWriter.ListSorted(Path.Join(Root, directory)))
            {
                var child = directory.Length == 0 ? name : $"{directory}/{name}";
                if (PosixFs.TryStatAt(root, child, out var status) != 0)
                {
                    continue;
                }

                var childRelative = relative.Length == 0 ? name : $"{relative}/{name}";
                var entry = new SourceEntry(childRelative, child, status, status.Kind == FileKind.Symlink ? PosixFs.ReadLinkAt(root, child) : null);
                var hidden = IsHidden(child);
                var at = entries.Count;
                if (!hidden)
                {
                    entries.Add(entry);
                }

                // A hidden directory is still entered when a "!" pattern may show something in it,
                // and then comes too, as the parent of what is shown.
                if (status.Kind == FileKind.Directory && _context?.CanSkipDirectory(child) != true)
                {
                    Visit(child, childRelative);
                    if (hidden && entries.Count > at)
                    {
                        entries.Insert(at, entry);
                    }
                }
            }
        }

        Visit(path, string.Empty);
        return entries;
    }

    private bool IsHidden(string path) => path.Length > 0 && _context?.IsExcluded(path) == true;

    private InvalidArgumentException Escape(IReadOnlyList<string> components, string where) =>
        new($"{where}: \"{string.Join('/', components)}\" leads out of {Description} through a symbolic link or \"..\"; a source must stay inside it");

    /// <summary>
    /// Where the absolute <paramref name="path"/> of this tree is, every symlink on the way (the
    /// last one too) followed inside it: the part that exists, and the components below it that do not.
    /// </summary>
    /// <exception cref="InvalidArgumentException">Something on the way exists and is not a directory.</exception>
    public Destination ResolveDestination(string path, string where)
    {
        using var root = OpenRoot();
        var resolved = Resolve(root, path.Split('/', StringSplitOptions.RemoveEmptyEntries), followLast: true, where);
        if (resolved.Blocked)
        {
            throw new InvalidArgumentException($"{where}: the destination \"{path}\" cannot be made: \"/{resolved.Path}\" is not a directory");
        }

        var missing = new List<string>();
        foreach (var component in resolved.Remaining)
        {
            if (component == ".." && missing.Count > 0)
            {
                missing.RemoveAt(missing.Count - 1);
            }
            else if (component is not ("" or "." or ".."))
            {
                missing.Add(component);
            }
        }

        return resolved.Missing
            ? new Destination(resolved.Existing, null, missing)
            : new Destination(resolved.Path, resolved.Status, []);
    }

    private readonly record struct Resolved(string Path, FileStatus Status, bool Missing)
    {
        public string Existing { get; init; } = "";

        public IReadOnlyList<string> Remaining { get; init; } = [];

        public bool Blocked { get; init; }
    }
}

/// <summary>A destination path resolved in a filesystem.</summary>
/// <param name="Existing">The part that exists, from the root, with no symlink; empty for the root.</param>
/// <param name="Status">What is there when the whole path exists; null when components are missing.</param>
/// <param name="Missing">The components below <paramref name="Existing"/> that do not exist yet.</param>
internal sealed record Destination(string Existing, FileStatus? Status, IReadOnlyList<string> Missing)
{
    /// <summary>The whole path from the root, as it will be once made.</summary>
    public string Path => string.Join('/', new[] { Existing }.Concat(Missing).Where(p => p.Length > 0));
}

/// <summary>One source COPY found: a file, symlink or directory (with everything under it).</summary>
/// <param name="Pattern">The source as the instruction gives it.</param>
/// <param name="Name">The name it was found by (a symlink's own name when it was followed); empty for the tree's root.</param>
/// <param name="Top">The item itself.</param>
/// <param name="Children">For a directory, everything under it, parents first.</param>
internal sealed record SourceItem(string Pattern, string Name, SourceEntry Top, IReadOnlyList<SourceEntry> Children)
{
    public bool IsDirectory => Top.Status.Kind == FileKind.Directory;
}

/// <summary>One file of a source.</summary>
/// <param name="RelativePath">Its path under the item ('/'-separated); empty for the item itself.</param>
/// <param name="Path">Its path from the tree's root, with no symlink on the way.</param>
/// <param name="Status">What lstat says of it.</param>
/// <param name="LinkTarget">A symlink's target.</param>
internal sealed record SourceEntry(string RelativePath, string Path, FileStatus Status, string? LinkTarget);
