using Containers.Images.Snapshots.Local;
using Containers.Mounts;

namespace Containers.Images.Snapshots.Native;

/// <summary>
/// Snapshots as whole copies, for where overlayfs is unavailable: an active snapshot starts as a
/// copy of its parent's tree (owners, modes, times, xattrs, hard links and devices kept), and its
/// mount is a bind of <c>snapshots/&lt;id&gt;/fs</c>. A view binds the committed parent read-only,
/// since a committed tree never changes.
/// </summary>
public sealed class NativeSnapshotter : LocalSnapshotter
{
    public NativeSnapshotter(string root, TimeProvider? timeProvider = null)
        : base(root, timeProvider)
    {
    }

    public override string Name => "native";

    private protected override async ValueTask CreateTreeAsync(long id, SnapshotKind kind, IReadOnlyList<long> lowers, CancellationToken cancellationToken)
    {
        var fs = FsOf(id);
        Directory.CreateDirectory(fs);
        if (kind == SnapshotKind.Active && lowers.Count > 0)
        {
            await TreeCopy.CopyAsync(FsOf(lowers[0]), fs, cancellationToken).ConfigureAwait(false);
        }
    }

    private protected override IReadOnlyList<Mount> MountsOf(long id, SnapshotKind kind, IReadOnlyList<long> lowers) =>
        kind == SnapshotKind.View
            ? [new Mount("bind", FsOf(lowers.Count > 0 ? lowers[0] : id), string.Empty, ["rbind", "ro"])]
            : [new Mount("bind", FsOf(id), string.Empty, ["rbind", "rw"])];
}
