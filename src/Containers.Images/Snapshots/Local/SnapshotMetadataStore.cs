using System.Text.Json;
using Containers.Images.Content.Local;
using Containers.Images.Json;
using Containers.Linux;

namespace Containers.Images.Snapshots.Local;

/// <summary>
/// <c>metadata.json</c> of a local snapshotter: read whole without a lock (it is only ever
/// replaced by a rename), changed under an flock on the root directory, which serializes
/// writers across threads and processes.
/// </summary>
internal sealed class SnapshotMetadataStore
{
    private readonly string _root;
    private readonly string _path;

    public SnapshotMetadataStore(string root)
    {
        _root = root;
        _path = Path.Combine(root, "metadata.json");
    }

    /// <remarks>
    /// Synchronous inside: a few kilobytes on a local disk cost less than async file I/O's
    /// thread-pool round trip, on the hot path of every container's start.
    /// </remarks>
    public ValueTask<SnapshotMetadata> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return ValueTask.FromResult(JsonSerializer.Deserialize(File.ReadAllBytes(_path), ContentJsonContext.Default.SnapshotMetadata) ?? new SnapshotMetadata());
        }
        catch (FileNotFoundException)
        {
            return ValueTask.FromResult(new SnapshotMetadata());
        }
    }

    /// <summary>Runs <paramref name="change"/> on the current state under the lock, and saves it durably unless it throws.</summary>
    public ValueTask<T> UpdateAsync<T>(Func<SnapshotMetadata, T> change, CancellationToken cancellationToken) =>
        UpdateMaybeDurableAsync(metadata => (change(metadata), true), cancellationToken);

    /// <summary>
    /// Runs <paramref name="change"/> under the lock and saves the state, with fsync only when the
    /// change says it must be durable. The file is rewritten whole, so each durable save also makes
    /// every earlier, non-durable change durable.
    /// </summary>
    public async ValueTask<T> UpdateMaybeDurableAsync<T>(Func<SnapshotMetadata, (T Result, bool Durable)> change, CancellationToken cancellationToken)
    {
        using var @lock = await DirectoryLock.AcquireAsync(_root, cancellationToken).ConfigureAwait(false);
        var metadata = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var (result, durable) = change(metadata);
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(metadata, ContentJsonContext.Default.SnapshotMetadata), durable);
        return result;
    }
}
