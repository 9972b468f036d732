using Containers.Errors;
using Containers.Linux;

namespace Containers.Images.Layers.Diff;

/// <summary>
/// Read-only overlayfs mounts of the two trees a container saw: its lower directories merged, and
/// its upper directory over them, following redirects and metacopy as the container's mount did.
/// Made in a scratch directory and unmounted on dispose. Needs root.
/// </summary>
internal sealed class OverlayViews : IDisposable
{
    private readonly string _scratch;
    private readonly List<string> _mounts = [];

    private OverlayViews(string scratch, string lower)
    {
        _scratch = scratch;
        Lower = lower;
        Upper = lower;
    }

    /// <summary>The lower directories merged (the only one itself, when there is one).</summary>
    public string Lower { get; private set; }

    /// <summary>What the container saw: the upper directory over the lower ones.</summary>
    public string Upper { get; private set; }

    /// <param name="lowers">The lower directories, topmost first, as overlayfs' lowerdir lists them.</param>
    public static OverlayViews Mount(string upper, IReadOnlyList<string> lowers)
    {
        foreach (var directory in lowers.Prepend(upper))
        {
            if (directory.AsSpan().IndexOfAny(",:\\") >= 0)
            {
                throw new InvalidArgumentException($"overlay directory \"{directory}\" has a ',', ':' or '\\', which overlayfs mount options cannot carry; move it to a plain path");
            }
        }

        var views = new OverlayViews(Directory.CreateTempSubdirectory("layer-diff-").FullName, lowers[0]);
        try
        {
            if (lowers.Count > 1)
            {
                views.Lower = views.MountView("lower", lowers, upper);
            }

            views.Upper = views.MountView("upper", [upper, .. lowers], upper);
            return views;
        }
        catch
        {
            views.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var mount in _mounts)
        {
            PosixFs.Unmount(mount, LibC.MNT_DETACH);
        }

        _mounts.Clear();
        foreach (var directory in Directory.EnumerateDirectories(_scratch))
        {
            Directory.Delete(directory);
        }

        Directory.Delete(_scratch);
    }

    private string MountView(string name, IEnumerable<string> layers, string upper)
    {
        var target = Directory.CreateDirectory(Path.Join(_scratch, name)).FullName;
        try
        {
            PosixFs.Mount("overlay", target, "overlay", LibC.MS_RDONLY, $"lowerdir={string.Join(':', layers)},redirect_dir=follow,metacopy=on");
        }
        catch (Exception e) when (Errno.Of(e) == Errno.EPERM)
        {
            throw new FailedPreconditionException($"overlay upper directory \"{upper}\" has renamed directories (redirect_dir) or metadata-only copies (metacopy), so it is diffed through overlayfs mounts, and mounting needs root; run as root, or diff the merged trees with LayerDiff.DiffAsync", e);
        }

        _mounts.Add(target);
        return target;
    }
}
