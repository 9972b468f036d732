using Containers.Errors;
using Containers.Images.Snapshots;
using Containers.Processes;
using Containers.Runtime;
using Microsoft.Extensions.Logging;

namespace Containers.Images.Engine;

/// <summary>
/// Containers that die with the engine's process (<see cref="EngineOptions.ContainersDieWithEngine"/>)
/// leave nothing behind when it dies, even by SIGKILL: the runtime's shim kills the container,
/// then detaches its rootfs and removes its directory and its writable snapshot's files. An engine
/// opening the root later removes what is left: the snapshot's record, and everything of a
/// container whose shim died too.
/// </summary>
public sealed partial class ContainerEngine
{
    private const string SnapshotKeyPrefix = "container-";

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static readonly ProcessIdentity? Self = ProcessIdentity.Of(Environment.ProcessId);

    /// <summary>This process, when containers die with it; null when they outlive it.</summary>
    private ProcessIdentity? Owner => _options.ContainersDieWithEngine ? Self : null;

    /// <summary>What the shim removes should this process die; null when containers outlive it.</summary>
    private async Task<OwnerDeathCleanup?> OwnerDeathCleanupAsync(string directory, string rootfs, string snapshotKey, CancellationToken cancellationToken)
    {
        if (!_options.ContainersDieWithEngine)
        {
            return null;
        }

        var snapshot = _snapshotter is ISnapshotDirectory files ? await files.DirectoryOfAsync(snapshotKey, cancellationToken).ConfigureAwait(false) : null;
        return new OwnerDeathCleanup { Unmount = [rootfs], Remove = snapshot is null ? [directory] : [directory, snapshot] };
    }

    /// <summary>
    /// Removes the remains of containers whose owner died: those recorded here whose owner is gone
    /// and whose runtime container is gone too (so its shim has finished), and the snapshots of
    /// containers whose directory a shim removed.
    /// </summary>
    private async Task SweepOwnerDeathRemainsAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories(_containersRoot))
        {
            if (ReadRecordFrom(dir) is { OwnerPid: > 0 } record
                && !new ProcessIdentity(record.OwnerPid, record.OwnerStartTime).IsAlive
                && !await InRuntimeAsync(record.Id).ConfigureAwait(false))
            {
                await SweepAsync(record.Id, () => TearDownAsync(new Entry(record, dir), prepared: true)).ConfigureAwait(false);
            }
        }

        // A snapshot is prepared only once its container's directory exists, and removed before
        // the engine deletes that directory: one without it was left by a shim.
        await foreach (var snapshot in _snapshotter.WalkAsync().ConfigureAwait(false))
        {
            if (snapshot.Kind == SnapshotKind.Active && ContainerOfSnapshot(snapshot.Name) is { } id
                && !Directory.Exists(Path.Combine(_containersRoot, id))
                && !await InRuntimeAsync(id).ConfigureAwait(false))
            {
                await SweepAsync(id, async () => await _snapshotter.RemoveAsync(snapshot.Name).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
    }

    private async Task SweepAsync(string id, Func<Task> remove)
    {
        try
        {
            await remove().ConfigureAwait(false);
            Log.SweptOwnerDeathRemains(_logger, id);
        }
        catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException)
        {
            Log.OwnerDeathSweepFailed(_logger, id, e.Message);
        }
    }

    private async Task<bool> InRuntimeAsync(string id)
    {
        try
        {
            await _runtime.GetStateAsync(id).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    /// <summary>The record in a container's directory, or null when it has none (or not a readable one).</summary>
    private static StoredContainer? ReadRecordFrom(string dir)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(dir, RecordFile)), Json.EngineJsonContext.Default.StoredContainer);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string SnapshotKeyOf(string id) => SnapshotKeyPrefix + id;

    /// <summary>The container id in a snapshot key this engine made, or null.</summary>
    private static string? ContainerOfSnapshot(string key) =>
        key.StartsWith(SnapshotKeyPrefix, StringComparison.Ordinal) && key.Length == SnapshotKeyPrefix.Length + 64
            && key.AsSpan(SnapshotKeyPrefix.Length).IndexOfAnyExcept(LowerHex) < 0
            ? key[SnapshotKeyPrefix.Length..]
            : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1550, Level = LogLevel.Information, Message = "Removed what was left of container {Id}, which died with its engine process")]
        public static partial void SweptOwnerDeathRemains(ILogger logger, string id);

        [LoggerMessage(EventId = 1551, Level = LogLevel.Warning, Message = "Could not remove what was left of container {Id}, which died with its engine process: {Reason}")]
        public static partial void OwnerDeathSweepFailed(ILogger logger, string id, string reason);
    }
}
