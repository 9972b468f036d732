using Containers.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Snapshots;

/// <summary>
/// Removes committed snapshots that nothing needs. Live are the given roots (the ChainIDs of
/// images, and what leases hold), every active snapshot and view (containers and unpacks in
/// progress), and every ancestor of a live snapshot. The rest go, children before parents.
/// </summary>
public sealed partial class SnapshotGarbageCollector
{
    private readonly ISnapshotter _snapshotter;
    private readonly ILogger _logger;

    public SnapshotGarbageCollector(ISnapshotter snapshotter, ILogger<SnapshotGarbageCollector>? logger = null)
    {
        _snapshotter = snapshotter ?? throw new ArgumentNullException(nameof(snapshotter));
        _logger = logger ?? NullLogger<SnapshotGarbageCollector>.Instance;
    }

    /// <summary>Removes every committed snapshot not reachable from <paramref name="roots"/> or an active one; returns their names in the order removed.</summary>
    public async ValueTask<IReadOnlyList<string>> CollectAsync(IReadOnlySet<string> roots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var all = new Dictionary<string, SnapshotInfo>(StringComparer.Ordinal);
        await foreach (var info in _snapshotter.WalkAsync(cancellationToken).ConfigureAwait(false))
        {
            all[info.Name] = info;
        }

        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in all.Values)
        {
            if (info.Kind != SnapshotKind.Committed || roots.Contains(info.Name))
            {
                for (var name = info.Name; name is not null && live.Add(name); name = all.TryGetValue(name, out var node) ? node.Parent : null)
                {
                }
            }
        }

        // Children first: a dead snapshot goes once no other dead one names it as parent.
        var dead = all.Values.Where(info => !live.Contains(info.Name)).ToDictionary(info => info.Name, StringComparer.Ordinal);
        var children = dead.Values.Where(info => info.Parent is not null && dead.ContainsKey(info.Parent)).GroupBy(info => info.Parent!).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var ready = new Queue<SnapshotInfo>(dead.Values.Where(info => !children.ContainsKey(info.Name)));
        var removed = new List<string>();
        while (ready.TryDequeue(out var info))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await _snapshotter.RemoveAsync(info.Name, cancellationToken).ConfigureAwait(false);
                removed.Add(info.Name);
            }
            catch (Exception e) when (e is ConflictException or NotFoundException)
            {
                // A snapshot prepared on it since the walk, or removed by another collector.
                Log.Skipped(_logger, info.Name, e.Message);
                continue;
            }

            if (info.Parent is { } parent && children.TryGetValue(parent, out var left))
            {
                children[parent] = --left;
                if (left == 0)
                {
                    ready.Enqueue(dead[parent]);
                }
            }
        }

        Log.Collected(_logger, _snapshotter.Name, removed.Count, live.Count);
        return removed;
    }
}
