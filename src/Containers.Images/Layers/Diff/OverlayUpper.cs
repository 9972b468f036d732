using Containers.Linux;

namespace Containers.Images.Layers.Diff;

/// <summary>
/// An overlayfs upper directory read as a layer on its own. It holds exactly what changed (with
/// the parent directories overlayfs copied up), so the cost follows the change, not the image:
/// a character device 0/0 is a whiteout, and a directory whose <c>overlay.opaque</c> xattr is "y"
/// hides what the lower directories gave it. That holds only without redirects (directories
/// renamed with redirect_dir) and metacopy (files whose data stayed below), which
/// <see cref="NeedsMergedView"/> looks for. The <c>trusted.overlay.*</c> xattrs are visible to
/// root only; without root, only the <c>user.overlay.*</c> ones of a userxattr mount are seen.
/// </summary>
internal static class OverlayUpper
{
    private static readonly string[] Opaque = ["trusted.overlay.opaque", "user.overlay.opaque"];

    private static readonly string[] Untrusted = ["trusted.overlay.redirect", "user.overlay.redirect", "trusted.overlay.metacopy", "user.overlay.metacopy"];

    /// <summary>Whether some entry points below the upper directory (redirect or metacopy), so that it cannot be read alone.</summary>
    public static bool NeedsMergedView(string upper, string relative, CancellationToken cancellationToken)
    {
        foreach (var name in LayerWriter.ListSorted(Path.Join(upper, relative)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Join(upper, relative, name);
            if (PosixFs.ListXattrs(path).Any(Untrusted.Contains)
                || (PosixFs.StatAt(null, path).Kind == FileKind.Directory && NeedsMergedView(upper, LayerPath.Join(relative, name), cancellationToken)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the upper directory as a layer, turning overlayfs' whiteouts and opaque directories into the OCI ones.</summary>
    public static async ValueTask WriteAsync(LayerWriter writer, string upper, string relative, CancellationToken cancellationToken)
    {
        foreach (var name in LayerWriter.ListSorted(Path.Join(upper, relative)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = LayerPath.Join(relative, name);
            var fullPath = Path.Join(upper, path);
            var status = PosixFs.StatAt(null, fullPath);
            if (status is { Kind: FileKind.CharDevice, RDevMajor: 0, RDevMinor: 0 })
            {
                await writer.AddWhiteoutAsync(path, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await writer.AddPathAsync(upper, path, cancellationToken).ConfigureAwait(false);
            if (status.Kind != FileKind.Directory)
            {
                continue;
            }

            if (Opaque.Any(xattr => PosixFs.GetXattr(fullPath, xattr) is [(byte)'y']))
            {
                await writer.AddOpaqueWhiteoutAsync(path, cancellationToken).ConfigureAwait(false);
            }

            await WriteAsync(writer, upper, path, cancellationToken).ConfigureAwait(false);
        }
    }
}
