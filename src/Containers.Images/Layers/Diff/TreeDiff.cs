using Containers.Linux;

namespace Containers.Images.Layers.Diff;

/// <summary>
/// The sorted double walk: at each level both trees' names, in ordinal order, are merged. A path
/// only in the upper tree is added with everything under it; a path only in the lower tree gets a
/// whiteout; a path in both is added when <see cref="SameFile"/> says it changed, and directories
/// in both are walked. Each change is preceded by its parent directories (once each, as
/// containerd writes them), so that any applier gives them the upper tree's metadata.
/// </summary>
internal sealed class TreeDiff
{
    private readonly LayerWriter _writer;
    private readonly string _lower;
    private readonly string _upper;

    // The directories on the current path that are unchanged and not written yet.
    private readonly List<string> _unwritten = [];

    public TreeDiff(LayerWriter writer, string lower, string upper)
    {
        _writer = writer;
        _lower = lower;
        _upper = upper;
    }

    public ValueTask WriteAsync(CancellationToken cancellationToken) => CompareChildrenAsync(string.Empty, cancellationToken);

    private async ValueTask CompareChildrenAsync(string relative, CancellationToken cancellationToken)
    {
        var lowerNames = LayerWriter.ListSorted(Path.Join(_lower, relative));
        var upperNames = LayerWriter.ListSorted(Path.Join(_upper, relative));
        foreach (var (name, inLower, inUpper) in SortedMerge.Of(lowerNames, upperNames))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = LayerPath.Join(relative, name);
            await CompareAsync(path, inLower ? Carried(_lower, path) : null, inUpper ? Carried(_upper, path) : null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask CompareAsync(string path, FileStatus? lower, FileStatus? upper, CancellationToken cancellationToken)
    {
        if (upper is not { } status)
        {
            if (lower is not null)
            {
                await WriteParentsAsync(cancellationToken).ConfigureAwait(false);
                await _writer.AddWhiteoutAsync(path, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (status.Kind != FileKind.Directory)
        {
            // New or changed (over a directory, the applier removes that); an unchanged file with
            // several links is still written when this layer already wrote one of its links.
            if (lower is not { } before || !Equal(path, before, status)
                || (status.Kind == FileKind.Regular && status.Links > 1 && !_writer.TryAssumeLinked(status, path)))
            {
                await WriteAsync(path, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (lower is not { Kind: FileKind.Directory } lowerDirectory)
        {
            // New, or a directory over a non-directory: all of it.
            await WriteParentsAsync(cancellationToken).ConfigureAwait(false);
            await _writer.AddSubtreeAsync(_upper, path, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (Equal(path, lowerDirectory, status))
        {
            _unwritten.Add(path);
        }
        else
        {
            await WriteAsync(path, cancellationToken).ConfigureAwait(false);
        }

        await CompareChildrenAsync(path, cancellationToken).ConfigureAwait(false);
        if (_unwritten.Count > 0 && _unwritten[^1] == path)
        {
            _unwritten.RemoveAt(_unwritten.Count - 1);
        }
    }

    private bool Equal(string path, FileStatus lower, FileStatus upper) =>
        SameFile.Equal(Path.Join(_lower, path), lower, Path.Join(_upper, path), upper);

    private async ValueTask WriteAsync(string path, CancellationToken cancellationToken)
    {
        await WriteParentsAsync(cancellationToken).ConfigureAwait(false);
        await _writer.AddPathAsync(_upper, path, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteParentsAsync(CancellationToken cancellationToken)
    {
        foreach (var directory in _unwritten)
        {
            await _writer.AddPathAsync(_upper, directory, cancellationToken).ConfigureAwait(false);
        }

        _unwritten.Clear();
    }

    /// <summary>The status of a path, or null for what a layer cannot carry (sockets), which counts as absent.</summary>
    private static FileStatus? Carried(string root, string path)
    {
        var status = PosixFs.StatAt(null, Path.Join(root, path));
        return status.Kind is FileKind.Socket or FileKind.Unknown ? null : status;
    }
}
