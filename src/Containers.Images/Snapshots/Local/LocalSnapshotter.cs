using System.Runtime.CompilerServices;
using Containers.Errors;
using Containers.Images.Layers;
using Containers.Linux;
using Containers.Mounts;

namespace Containers.Images.Snapshots.Local;

/// <summary>
/// What the local snapshotters share: snapshots as directories <c>snapshots/&lt;id&gt;</c> under
/// <see cref="Root"/>, named in one <c>metadata.json</c>. A prepare reserves an id under the lock,
/// builds the tree without it (a copy may be slow), and names the snapshot under the lock again,
/// so that a crash leaves at worst an unnamed directory, never a name without its files. A
/// snapshot's directory deleted by someone else (see <see cref="ISnapshotDirectory"/>) leaves a name
/// without its files all the same: <see cref="RemoveAsync"/> removes it, and ids are never reused.
/// </summary>
public abstract class LocalSnapshotter : ISnapshotter, ISnapshotDirectory
{
    private readonly SnapshotMetadataStore _store;
    private readonly TimeProvider _time;

    private protected LocalSnapshotter(string root, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(Root, "snapshots"));
        _store = new SnapshotMetadataStore(Root);
        _time = timeProvider ?? TimeProvider.System;
    }

    public abstract string Name { get; }

    /// <summary>The directory that holds <c>metadata.json</c> and <c>snapshots/</c>.</summary>
    public string Root { get; }

    public ValueTask<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellationToken = default) =>
        CreateAsync(SnapshotKind.Active, key, parent, labels, cancellationToken);

    public ValueTask<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellationToken = default) =>
        CreateAsync(SnapshotKind.View, key, parent, labels, cancellationToken);

    public async ValueTask CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        await _store.UpdateAsync(
            metadata =>
            {
                var record = Find(metadata, key);
                if (record.Kind != SnapshotKind.Active)
                {
                    throw new FailedPreconditionException($"snapshot \"{key}\" is {record.Kind.ToString().ToLowerInvariant()}, and only an active snapshot can be committed; prepare one instead");
                }

                if (metadata.Snapshots.ContainsKey(name))
                {
                    throw new AlreadyExistsException($"snapshot \"{name}\" already exists; active snapshot \"{key}\" was not committed");
                }

                metadata.Snapshots.Remove(key);
                record.Kind = SnapshotKind.Committed;
                record.Created = _time.GetUtcNow();
                record.Labels = Merge(record.Labels, labels);
                metadata.Snapshots.Add(name, record);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var id = await _store.UpdateMaybeDurableAsync(
            metadata =>
            {
                var record = Find(metadata, key);
                var children = metadata.Snapshots.Where(pair => pair.Value.Parent == key).Select(pair => pair.Key).Take(3).ToList();
                if (children.Count > 0)
                {
                    throw new ConflictException($"snapshot \"{key}\" is the parent of {string.Join(", ", children.Select(child => $"\"{child}\""))}; remove its children first");
                }

                metadata.Snapshots.Remove(key);

                // An active or view snapshot's record that comes back after a power cut names a
                // directory that is gone, which removing it again tolerates: no fsync for those.
                return (record.Id, record.Kind == SnapshotKind.Committed);
            },
            cancellationToken).ConfigureAwait(false);

        // The name is gone and ids are never reused, so the files go without the lock.
        OnRemoving(id);
        LayerApplier.DeleteTree(DirectoryOf(id));
    }

    public async ValueTask<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var metadata = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Find(metadata, key).ToInfo(key);
    }

    public async IAsyncEnumerable<SnapshotInfo> WalkAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var metadata = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, record) in metadata.Snapshots)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record.ToInfo(name);
        }
    }

    public async ValueTask<IReadOnlyList<Mount>> MountsAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var metadata = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var record = Find(metadata, key);
        if (record.Kind == SnapshotKind.Committed)
        {
            throw new FailedPreconditionException($"snapshot \"{key}\" is committed and has no mounts of its own; prepare or view a snapshot on top of it");
        }

        return MountsOf(record.Id, record.Kind, Lowers(metadata, record.Parent));
    }

    public async ValueTask<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var metadata = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
        var record = Find(metadata, key);
        var fs = FsOf(record.Id);
        return Directory.Exists(fs)
            ? SnapshotUsageCounter.Count(fs, cancellationToken)
            : throw new NotFoundException($"the files of snapshot \"{key}\" ({fs}) are gone; remove the snapshot");
    }

    public async ValueTask<string> DirectoryOfAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var metadata = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return DirectoryOf(Find(metadata, key).Id);
    }

    /// <summary>The directory of snapshot <paramref name="id"/>.</summary>
    private protected string DirectoryOf(long id) => Path.Combine(Root, "snapshots", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The tree of snapshot <paramref name="id"/>: its whole rootfs, or for overlay its layer.</summary>
    private protected string FsOf(long id) => Path.Combine(DirectoryOf(id), "fs");

    /// <summary>Fills the new directory of snapshot <paramref name="id"/> (which exists and is empty).</summary>
    /// <param name="lowers">The ids of the committed snapshots below, nearest first.</param>
    private protected abstract ValueTask CreateTreeAsync(long id, SnapshotKind kind, IReadOnlyList<long> lowers, CancellationToken cancellationToken);

    /// <summary>The mounts of an active snapshot or view.</summary>
    private protected abstract IReadOnlyList<Mount> MountsOf(long id, SnapshotKind kind, IReadOnlyList<long> lowers);

    /// <summary>Called before the files of a removed snapshot are deleted.</summary>
    private protected virtual void OnRemoving(long id)
    {
    }

    private async ValueTask<IReadOnlyList<Mount>> CreateAsync(SnapshotKind kind, string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        // Active and view snapshots are written without fsync: they live as long as a container
        // or a read, and the next durable save (a commit) makes them durable anyway.
        var (id, lowers) = await _store.UpdateMaybeDurableAsync(
            metadata =>
            {
                CheckNew(metadata, key, parent);
                return ((metadata.NextId++, Lowers(metadata, parent)), false);
            },
            cancellationToken).ConfigureAwait(false);

        var directory = DirectoryOf(id);
        if (Directory.Exists(directory))
        {
            // A reservation lost to a power cut hands its id out again: what it left is an orphan.
            OnRemoving(id);
            LayerApplier.DeleteTree(directory);
        }

        Directory.CreateDirectory(directory);
        try
        {
            await CreateTreeAsync(id, kind, lowers, cancellationToken).ConfigureAwait(false);
            await _store.UpdateMaybeDurableAsync(
                metadata =>
                {
                    CheckNew(metadata, key, parent);
                    metadata.Snapshots.Add(key, new SnapshotRecord
                    {
                        Id = id,
                        Kind = kind,
                        Parent = parent,
                        Created = _time.GetUtcNow(),
                        Labels = Merge(null, labels),
                    });
                    return (0, false);
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            OnRemoving(id);
            LayerApplier.DeleteTree(directory);
            throw;
        }

        return MountsOf(id, kind, lowers);
    }

    private static void CheckNew(SnapshotMetadata metadata, string key, string? parent)
    {
        if (metadata.Snapshots.ContainsKey(key))
        {
            throw new AlreadyExistsException($"snapshot \"{key}\" already exists; choose another key or remove it first");
        }

        if (parent is null)
        {
            return;
        }

        if (!metadata.Snapshots.TryGetValue(parent, out var record))
        {
            throw new NotFoundException($"parent snapshot \"{parent}\" of \"{key}\" does not exist; commit it first");
        }

        if (record.Kind != SnapshotKind.Committed)
        {
            throw new FailedPreconditionException($"parent snapshot \"{parent}\" of \"{key}\" is {record.Kind.ToString().ToLowerInvariant()}, not committed; commit it before building on it");
        }
    }

    private static SnapshotRecord Find(SnapshotMetadata metadata, string key) =>
        metadata.Snapshots.TryGetValue(key, out var record)
            ? record
            : throw new NotFoundException($"snapshot \"{key}\" does not exist");

    /// <summary>The ids of <paramref name="parent"/> and its ancestors, nearest first.</summary>
    private List<long> Lowers(SnapshotMetadata metadata, string? parent)
    {
        var lowers = new List<long>();
        while (parent is not null)
        {
            var record = Find(metadata, parent);
            lowers.Add(record.Id);
            parent = record.Parent;
            if (lowers.Count > metadata.Snapshots.Count)
            {
                throw new InvalidOperationException($"snapshot metadata in \"{Root}\" has a parent cycle through \"{parent}\"");
            }
        }

        return lowers;
    }

    private static Dictionary<string, string>? Merge(Dictionary<string, string>? existing, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return existing;
        }

        var merged = existing is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(existing, StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            merged[name] = value;
        }

        return merged;
    }
}
