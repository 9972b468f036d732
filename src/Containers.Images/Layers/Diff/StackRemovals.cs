using Containers.Images.Layers.Apply;
using Containers.Linux;

namespace Containers.Images.Layers.Diff;

/// <summary>
/// What a stack of layers removes from the layers below it, as a tree of names: a whiteout, or a
/// directory over a non-directory, removes a path; an opaque whiteout removes a directory's
/// children. A removal hides everything under it, so each is kept once, at the top. Written
/// together with the tree the stack builds, it makes the one layer that does what the stack does
/// over any lower layers.
/// </summary>
internal sealed class StackRemovals : IRemovalObserver
{
    private readonly Node _root = new();

    private enum Removal
    {
        None,
        Children,
        Path,
    }

    public void PathRemoved(string path) => Record(path, Removal.Path);

    public void ChildrenRemoved(string directory) => Record(directory, Removal.Children);

    /// <summary>
    /// Writes <paramref name="tree"/> (the stack applied onto nothing) with the removals: a
    /// whiteout for each removed path the tree lacks, and an opaque whiteout for each directory
    /// the tree has where the lower layers' one was removed or emptied.
    /// </summary>
    public async ValueTask WriteAsync(LayerWriter writer, string tree, CancellationToken cancellationToken)
    {
        if (_root.Removal == Removal.Children)
        {
            await writer.AddOpaqueWhiteoutAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        }

        await WriteChildrenAsync(writer, tree, string.Empty, _root, inTree: true, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask WriteChildrenAsync(LayerWriter writer, string tree, string relative, Node node, bool inTree, CancellationToken cancellationToken)
    {
        var names = inTree ? LayerWriter.ListSorted(Path.Join(tree, relative)) : [];
        foreach (var (name, isInTree, isRemoved) in SortedMerge.Of(names, [.. node.Children.Keys]))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = LayerPath.Join(relative, name);
            var child = isRemoved ? node.Children[name] : null;
            if (!isInTree)
            {
                if (child!.Removal == Removal.Path)
                {
                    await writer.AddWhiteoutAsync(path, cancellationToken).ConfigureAwait(false);
                }
                else if (child.Removal == Removal.None)
                {
                    await WriteChildrenAsync(writer, tree, path, child, inTree: false, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (child is null)
            {
                await writer.AddSubtreeAsync(tree, path, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // A non-directory replaces whatever the lower layers had here, so nothing below it needs a removal.
            await writer.AddPathAsync(tree, path, cancellationToken).ConfigureAwait(false);
            if (PosixFs.StatAt(null, Path.Join(tree, path)).Kind == FileKind.Directory)
            {
                if (child.Removal != Removal.None)
                {
                    await writer.AddOpaqueWhiteoutAsync(path, cancellationToken).ConfigureAwait(false);
                }

                await WriteChildrenAsync(writer, tree, path, child, inTree: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Record(string path, Removal removal)
    {
        var node = _root;
        foreach (var part in path.Length == 0 ? [] : path.Split('/'))
        {
            if (node.Removal != Removal.None)
            {
                // An ancestor's removal already hides it.
                return;
            }

            node = node.Child(part);
        }

        if (node.Removal < removal)
        {
            node.Removal = removal;
            node.Children.Clear();
        }
    }

    private sealed class Node
    {
        public Removal Removal { get; set; }

        public SortedDictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public Node Child(string name)
        {
            if (!Children.TryGetValue(name, out var child))
            {
                child = new Node();
                Children[name] = child;
            }

            return child;
        }
    }
}
