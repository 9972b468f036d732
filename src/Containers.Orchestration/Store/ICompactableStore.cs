namespace Containers.Orchestration.Store;

/// <summary>
/// An optional capability of a store (checked with <c>is</c>): drop the history before a revision,
/// as etcd's compaction does. Reads and watches from before it then throw <see cref="GoneException"/>.
/// </summary>
public interface ICompactableStore
{
    /// <summary>Forgets the history up to <paramref name="resourceVersion"/>; the newest version of each object stays.</summary>
    ValueTask CompactAsync(string resourceVersion, CancellationToken cancellationToken = default);
}
