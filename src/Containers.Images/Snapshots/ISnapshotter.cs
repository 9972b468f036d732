using Containers.Mounts;

namespace Containers.Images.Snapshots;

/// <summary>
/// Filesystem snapshots in the containerd model: a committed snapshot is an immutable layer
/// named by its key; an active snapshot is a writable tree on top of a committed parent; a view
/// is a read-only one. The snapshotter returns mounts as plain data; the caller performs them
/// (see <see cref="SnapshotMounter"/>). Keys are unique across all kinds.
/// </summary>
public interface ISnapshotter
{
    /// <summary>A short, stable name (<c>overlay</c>, <c>native</c>) by which the snapshotter is chosen.</summary>
    string Name { get; }

    /// <summary>Makes an active, writable snapshot <paramref name="key"/> on top of the committed <paramref name="parent"/> (or empty).</summary>
    /// <exception cref="Errors.AlreadyExistsException">A snapshot named <paramref name="key"/> exists.</exception>
    /// <exception cref="Errors.NotFoundException"><paramref name="parent"/> does not exist.</exception>
    /// <exception cref="Errors.FailedPreconditionException"><paramref name="parent"/> is not committed.</exception>
    ValueTask<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellationToken = default);

    /// <summary>Makes a read-only view <paramref name="key"/> of the committed <paramref name="parent"/>; it cannot be committed.</summary>
    ValueTask<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellationToken = default);

    /// <summary>Turns the active snapshot <paramref name="key"/> into the committed, immutable snapshot <paramref name="name"/>.</summary>
    /// <exception cref="Errors.AlreadyExistsException"><paramref name="name"/> exists; the active snapshot is left as it was.</exception>
    ValueTask CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a snapshot and its files.</summary>
    /// <exception cref="Errors.ConflictException">Another snapshot has it as its parent.</exception>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <exception cref="Errors.NotFoundException">No snapshot is named <paramref name="key"/>.</exception>
    ValueTask<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every snapshot, in no particular order.</summary>
    IAsyncEnumerable<SnapshotInfo> WalkAsync(CancellationToken cancellationToken = default);

    /// <summary>The mounts of an active snapshot or a view, as <see cref="PrepareAsync"/> or <see cref="ViewAsync"/> returned them.</summary>
    ValueTask<IReadOnlyList<Mount>> MountsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The disk the snapshot's own tree uses (for an overlay snapshot, its upper directory only).</summary>
    ValueTask<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken = default);
}
