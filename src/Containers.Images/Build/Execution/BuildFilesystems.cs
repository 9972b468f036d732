using System.Collections.Concurrent;
using System.Globalization;
using Containers.Errors;
using Containers.Images.Snapshots;
using Containers.Processes;

namespace Containers.Images.Build.Execution;

/// <summary>
/// The filesystems of one build: a state's layers unpacked into the snapshotter's committed
/// snapshots (named by ChainID, as the engine names them, so a built image runs on them), read-only
/// views of them for COPY and mounts, and a working directory for RUN bundles. Every temporary
/// snapshot is labelled with this process, so that one left by a killed build is swept by the next.
/// When the build ends, <see cref="DisposeAsync"/> removes what the build made and its output does
/// not need: views, the layer snapshots of intermediate stages, the working directory.
/// </summary>
internal sealed class BuildFilesystems : IAsyncDisposable
{
    /// <summary>The label naming the build process (<c>pid:starttime</c>) on every temporary snapshot.</summary>
    public const string OwnerLabel = "containers.build.owner";

    /// <summary>The start of every temporary snapshot key the builder makes.</summary>
    public const string KeyPrefix = "build-";

    private static readonly string OwnerValue = ProcessIdentity.Of(Environment.ProcessId) is { } self
        ? $"{self.Pid.ToString(CultureInfo.InvariantCulture)}:{self.StartTime.ToString(CultureInfo.InvariantCulture)}"
        : "0:0";

    private readonly LayerUnpacker _unpacker = new();
    private readonly HashSet<string> _existing;
    private readonly ConcurrentDictionary<string, byte> _created = new(StringComparer.Ordinal);

    private BuildFilesystems(ISnapshotter snapshotter, string workDirectory, HashSet<string> existing)
    {
        Snapshotter = snapshotter;
        WorkDirectory = workDirectory;
        _existing = existing;
    }

    public ISnapshotter Snapshotter { get; }

    /// <summary>This build's own directory (bundles, view mount points, scratch), removed at the end.</summary>
    public string WorkDirectory { get; }

    /// <summary>The labels of a temporary snapshot of this build.</summary>
    public static IReadOnlyDictionary<string, string> OwnerLabels { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { [OwnerLabel] = OwnerValue };

    /// <summary>
    /// Opens the filesystems of a build under <paramref name="buildsRoot"/>: sweeps what killed
    /// builds left (their temporary snapshots and directories), then notes the snapshots that exist,
    /// so that the end of the build knows which ones it made.
    /// </summary>
    public static async Task<BuildFilesystems> OpenAsync(ISnapshotter snapshotter, string buildsRoot, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(buildsRoot);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        var orphans = new List<SnapshotInfo>();
        await foreach (var info in snapshotter.WalkAsync(cancellationToken).ConfigureAwait(false))
        {
            if (info.Name.StartsWith(KeyPrefix, StringComparison.Ordinal) && IsOrphan(info.Labels))
            {
                orphans.Add(info);
                continue;
            }

            existing.Add(info.Name);
        }

        // Steps' and views' snapshots first, then the mount-target snapshots they stood on.
        foreach (var orphan in orphans.OrderBy(o => o.Kind == SnapshotKind.Committed))
        {
            await RemoveQuietlyAsync(snapshotter, orphan.Name).ConfigureAwait(false);
        }

        foreach (var dir in Directory.EnumerateDirectories(buildsRoot))
        {
            if (OwnerOfDirectory(Path.GetFileName(dir)) is { IsAlive: false })
            {
                DeleteTree(dir);
            }
        }

        var work = Path.Combine(buildsRoot, $"{OwnerValue.Replace(':', '-')}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        return new BuildFilesystems(snapshotter, work, existing);
    }

    /// <summary>A fresh, unique path under the work directory (not created).</summary>
    public string NewPath(string purpose) => Path.Combine(WorkDirectory, $"{purpose}-{Guid.NewGuid():N}");

    /// <summary>Makes sure <paramref name="state"/>'s layers are committed snapshots; returns the top one's key, null with no layers.</summary>
    public async ValueTask<string?> EnsureSnapshotAsync(BuildState state, CancellationToken cancellationToken)
    {
        if (state.Layers.Count == 0)
        {
            return null;
        }

        var unpacked = await _unpacker.UnpackAsync(state.ToImage(null), Snapshotter, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var chain in unpacked.ChainIds)
        {
            var key = chain.ToString();
            if (!_existing.Contains(key))
            {
                _created.TryAdd(key, 0);
            }
        }

        return unpacked.ChainId.ToString();
    }

    /// <summary>A snapshot key this build made for its own use; removed at the end of the build.</summary>
    public void Made(string key) => _created.TryAdd(key, 0);

    /// <summary>
    /// A read-only view of <paramref name="state"/>'s filesystem at a directory of this host: an
    /// empty directory for a state with no layers, the snapshot's own directory when it needs no
    /// mount, or a view snapshot mounted under the work directory.
    /// </summary>
    public async Task<RootfsView> OpenViewAsync(BuildState state, CancellationToken cancellationToken)
    {
        var chain = await EnsureSnapshotAsync(state, cancellationToken).ConfigureAwait(false);
        var target = NewPath("view");
        Directory.CreateDirectory(target);
        if (chain is null)
        {
            return new RootfsView(target, async () => await Task.Run(() => Directory.Delete(target)).ConfigureAwait(false));
        }

        var key = $"{KeyPrefix}view-{Guid.NewGuid():N}";
        var mounts = await Snapshotter.ViewAsync(key, chain, OwnerLabels, cancellationToken).ConfigureAwait(false);
        try
        {
            if (mounts is [{ Type: "bind" } bind])
            {
                // Nothing to hide below it: the snapshot's tree is the filesystem.
                Directory.Delete(target);
                return new RootfsView(bind.Source, () => RemoveQuietlyAsync(Snapshotter, key));
            }

            SnapshotMounter.MountAll(mounts, target);
        }
        catch
        {
            Directory.Delete(target);
            await RemoveQuietlyAsync(Snapshotter, key).ConfigureAwait(false);
            throw;
        }

        return new RootfsView(target, async () =>
        {
            SnapshotMounter.UnmountAll(target);
            Directory.Delete(target);
            await RemoveQuietlyAsync(Snapshotter, key).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Removes what the build made that <paramref name="keep"/> (the ChainIDs of the built image's
    /// layers) does not name: snapshots children first, then the work directory.
    /// </summary>
    public async ValueTask CleanUpAsync(IReadOnlySet<string> keep)
    {
        var remove = _created.Keys.Where(key => !keep.Contains(key)).ToHashSet(StringComparer.Ordinal);
        var parents = new Dictionary<string, string?>(StringComparer.Ordinal);
        await foreach (var info in Snapshotter.WalkAsync().ConfigureAwait(false))
        {
            parents[info.Name] = info.Parent;
        }

        remove.IntersectWith(parents.Keys);
        while (remove.Count > 0)
        {
            var leaves = remove.Where(key => !parents.Any(p => p.Value == key && parents.ContainsKey(p.Key))).ToList();
            if (leaves.Count == 0)
            {
                break;
            }

            foreach (var leaf in leaves)
            {
                remove.Remove(leaf);
                try
                {
                    await Snapshotter.RemoveAsync(leaf, CancellationToken.None).ConfigureAwait(false);
                    parents.Remove(leaf);
                }
                catch (Exception e) when (e is ConflictException or NotFoundException)
                {
                    // Another build or a container stands on it now; it stays for the snapshot collector.
                }
            }
        }

        _created.Clear();
        DeleteTree(WorkDirectory);
    }

    public ValueTask DisposeAsync() => CleanUpAsync(new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Removes a directory tree without following symlinks or crossing into what is mounted in it.</summary>
    internal static void DeleteTree(string path)
    {
        if (Directory.Exists(path))
        {
            Layers.LayerApplier.DeleteTree(path);
        }
    }

    private static async Task RemoveQuietlyAsync(ISnapshotter snapshotter, string key)
    {
        try
        {
            await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainersException or IOException)
        {
            // Swept by the next build.
        }
    }

    private static bool IsOrphan(IReadOnlyDictionary<string, string> labels) =>
        !labels.TryGetValue(OwnerLabel, out var owner) || ParseOwner(owner) is not { IsAlive: true };

    private static ProcessIdentity? ParseOwner(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && ulong.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcessIdentity(pid, start)
            : null;
    }

    /// <summary>The owner in a work directory's name (<c>pid-starttime-guid</c>).</summary>
    private static ProcessIdentity? OwnerOfDirectory(string name)
    {
        var parts = name.Split('-');
        return parts.Length == 3 ? ParseOwner($"{parts[0]}:{parts[1]}") : null;
    }
}
