using Containers.Errors;

namespace Containers.Images.Layers.Diff;

/// <summary>
/// Makes the layer that turns one tree into another: what was added or changed, a whiteout for
/// what was deleted, and (from an overlayfs upper directory) an opaque whiteout where a directory
/// was replaced. Applied onto the lower tree, the layer gives the upper tree.
/// </summary>
public static class LayerDiff
{
    /// <summary>
    /// Writes the changes from <paramref name="lower"/> to <paramref name="upper"/> into
    /// <paramref name="writer"/>, walking both trees in sorted order, and completes it. Files are
    /// compared by metadata; content is read only when the mtimes are whole seconds and metadata
    /// cannot decide.
    /// </summary>
    public static async ValueTask<WrittenLayer> DiffAsync(string lower, string upper, LayerWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var diff = new TreeDiff(writer, RequireDirectory(lower, "lower"), RequireDirectory(upper, "upper"));
        await diff.WriteAsync(cancellationToken).ConfigureAwait(false);
        return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the changes an overlayfs mount recorded in <paramref name="upperDirectory"/> into
    /// <paramref name="writer"/> and completes it, reading only the upper directory, so the cost
    /// grows with the change and not with the image. Where redirects (redirect_dir) or metacopy
    /// make the upper directory incomplete on its own, the lower and upper views are mounted
    /// read-only and diffed as two trees instead, which needs root. The mount that wrote the upper
    /// directory should be gone (the container stopped). Overlay's own xattrs
    /// (<c>trusted.overlay.*</c>) are visible to root only, so run as root unless the mount used
    /// <c>userxattr</c>.
    /// </summary>
    /// <param name="lowerDirectories">The mount's lower directories, topmost first, as overlayfs' lowerdir lists them.</param>
    /// <exception cref="FailedPreconditionException">The upper directory needs the mounted views, and we are not root.</exception>
    public static async ValueTask<WrittenLayer> DiffOverlayAsync(string upperDirectory, IReadOnlyList<string> lowerDirectories, LayerWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lowerDirectories);
        ArgumentNullException.ThrowIfNull(writer);
        if (lowerDirectories.Count == 0)
        {
            throw new ArgumentException("an overlay has at least one lower directory; give them topmost first", nameof(lowerDirectories));
        }

        var upper = RequireDirectory(upperDirectory, "upper");
        if (!OverlayUpper.NeedsMergedView(upper, string.Empty, cancellationToken))
        {
            await OverlayUpper.WriteAsync(writer, upper, string.Empty, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var views = OverlayViews.Mount(upper, [.. lowerDirectories.Select((lower, i) => RequireDirectory(lower, $"lower #{i}"))]);
            await new TreeDiff(writer, views.Lower, views.Upper).WriteAsync(cancellationToken).ConfigureAwait(false);
        }

        return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string RequireDirectory(string directory, string role)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new NotFoundException($"{role} directory \"{directory}\" does not exist; give an existing directory to diff");
        }

        return full;
    }
}
