using System.Buffers;
using System.Buffers.Binary;
using Containers.Errors;
using Containers.Images.Content.Local;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Store.Embedded.Persistence;

/// <summary>
/// The embedded store's durability: an append-only log of framed, CRC-32C-checked records and a
/// periodic snapshot of every object, in one data directory.
/// </summary>
/// <remarks>
/// Group commit: writers append records under the store's lock into the pending batch and await it;
/// one flusher writes the batch and fsyncs it once for all of them. After a number of records it
/// writes a snapshot (temporary file, fsync, rename, fsync directory) and empties the log; records
/// the snapshot already covers are skipped when replaying. On open, a torn or damaged tail (a crash
/// in the middle of a write) is cut off at the last whole record.
/// </remarks>
internal sealed partial class WriteAheadLog : IAsyncDisposable
{
    public const string LogFileName = "wal";
    public const string SnapshotFileName = "snapshot";
    private static ReadOnlySpan<byte> SnapshotMagic => "CTRSNAP1"u8;

    private readonly Lock _gate = new();
    private readonly FileStream _file;
    private readonly string _directory;
    private readonly bool _sync;
    private readonly int _snapshotAfterRecords;
    private readonly Func<(long Revision, IReadOnlyList<(string Key, KubeObject Object)> Objects)> _capture;
    private readonly ILogger _logger;
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte>? _spare;
    private TaskCompletionSource _pendingDone = NewBatch();
    private int _pendingRecords;
    private bool _flushing;
    private Task _flusher = Task.CompletedTask;
    private int _recordsSinceSnapshot;
    private Exception? _failure;

    /// <param name="capture">Called by the flusher for a snapshot: the store's revision and every object, consistent with each other.</param>
    public WriteAheadLog(string directory, bool sync, int snapshotAfterRecords, int recordsInLog, Func<(long, IReadOnlyList<(string, KubeObject)>)> capture, ILogger logger)
    {
        _directory = directory;
        _sync = sync;
        _snapshotAfterRecords = snapshotAfterRecords;
        _capture = capture;
        _logger = logger;
        _recordsSinceSnapshot = recordsInLog;
        _file = new FileStream(Path.Combine(directory, LogFileName), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>Reads the snapshot and the log of <paramref name="directory"/>, cutting a torn tail off the log.</summary>
    /// <exception cref="FailedPreconditionException">The snapshot is damaged.</exception>
    public static RecoveredState Recover(string directory, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        var objects = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        long revision = 0;
        var snapshotPath = Path.Combine(directory, SnapshotFileName);
        if (File.Exists(snapshotPath))
        {
            revision = ReadSnapshot(snapshotPath, objects);
        }

        var snapshotRevision = revision;
        var logPath = Path.Combine(directory, LogFileName);
        var records = 0;
        long truncated = 0;
        if (File.Exists(logPath))
        {
            ReadOnlyMemory<byte> data = File.ReadAllBytes(logPath);
            var offset = 0;
            while (offset < data.Length)
            {
                if (!LogRecord.TryRead(data[offset..], out var record, out var consumed))
                {
                    truncated = data.Length - offset;
                    Log.TornTail(logger, logPath, offset, truncated);
                    using (var file = new FileStream(logPath, FileMode.Open, FileAccess.Write))
                    {
                        file.SetLength(offset);
                        file.Flush(flushToDisk: true);
                    }

                    break;
                }

                offset += consumed;
                records++;
                if (record.Revision <= snapshotRevision)
                {
                    continue;
                }

                if (record.Op == LogOp.Put)
                {
                    objects[record.Key] = record.Json;
                }
                else
                {
                    objects.Remove(record.Key);
                }

                revision = Math.Max(revision, record.Revision);
            }
        }

        return new RecoveredState(revision, objects, records, truncated);
    }

    /// <summary>
    /// Adds a record to the pending batch and returns the task that completes once it is durable.
    /// Called under the store's lock, in revision order.
    /// </summary>
    public Task Append(in LogRecord record)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw Failed(_failure);
            }

            record.WriteTo(_pending);
            _pendingRecords++;
            if (!_flushing)
            {
                _flushing = true;
                _flusher = Task.Run(FlushLoopAsync);
            }

            return _pendingDone.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task flusher;
        lock (_gate)
        {
            flusher = _flusher;
        }

        try
        {
            await flusher.ConfigureAwait(false);
        }
        finally
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            TaskCompletionSource done;
            int count;
            lock (_gate)
            {
                if (_pendingRecords == 0)
                {
                    _flushing = false;
                    return;
                }

                (batch, done, count) = (_pending, _pendingDone, _pendingRecords);
                _pending = _spare ?? new ArrayBufferWriter<byte>(4096);
                _spare = null;
                _pendingDone = NewBatch();
                _pendingRecords = 0;
            }

            try
            {
                _file.Write(batch.WrittenSpan);
                _file.Flush(flushToDisk: _sync);
                batch.ResetWrittenCount();
                lock (_gate)
                {
                    // Two buffers take turns: one fills while the other is written.
                    _spare = batch;
                }

                done.SetResult();
                _recordsSinceSnapshot += count;
                if (_recordsSinceSnapshot >= _snapshotAfterRecords)
                {
                    await WriteSnapshotAsync().ConfigureAwait(false);
                    _recordsSinceSnapshot = 0;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException)
            {
                Log.WriteFailed(_logger, _directory, e);
                TaskCompletionSource next;
                lock (_gate)
                {
                    _failure = e;
                    _flushing = false;
                    next = _pendingDone;
                }

                done.TrySetException(Failed(e));
                next.TrySetException(Failed(e));
                return;
            }
        }
    }

    private async Task WriteSnapshotAsync()
    {
        var (revision, objects) = _capture();
        await AtomicFile.WriteAsync(
            Path.Combine(_directory, SnapshotFileName),
            async (stream, token) =>
            {
                var header = new byte[SnapshotMagic.Length + 16];
                SnapshotMagic.CopyTo(header);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(SnapshotMagic.Length), revision);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(SnapshotMagic.Length + 8), objects.Count);
                await stream.WriteAsync(header, token).ConfigureAwait(false);
                var buffer = new ArrayBufferWriter<byte>(1 << 16);
                foreach (var (key, obj) in objects)
                {
                    new LogRecord(LogOp.Put, revision, key, KubeJson.SerializeToUtf8Bytes(obj)).WriteTo(buffer);
                    if (buffer.WrittenCount >= 1 << 20)
                    {
                        await stream.WriteAsync(buffer.WrittenMemory, token).ConfigureAwait(false);
                        buffer.ResetWrittenCount();
                    }
                }

                await stream.WriteAsync(buffer.WrittenMemory, token).ConfigureAwait(false);
            },
            CancellationToken.None).ConfigureAwait(false);

        // Every record in the log is at or below the snapshot's revision now: start the log afresh.
        _file.SetLength(0);
        _file.Seek(0, SeekOrigin.Begin);
        _file.Flush(flushToDisk: _sync);
        Log.SnapshotWritten(_logger, _directory, revision, objects.Count);
    }

    private static long ReadSnapshot(string path, Dictionary<string, ReadOnlyMemory<byte>> objects)
    {
        ReadOnlyMemory<byte> data = File.ReadAllBytes(path);
        var headerSize = SnapshotMagic.Length + 16;
        if (data.Length < headerSize || !data.Span.StartsWith(SnapshotMagic))
        {
            throw Damaged(path, "it does not start with the snapshot header");
        }

        var revision = BinaryPrimitives.ReadInt64LittleEndian(data.Span[SnapshotMagic.Length..]);
        var count = BinaryPrimitives.ReadInt64LittleEndian(data.Span[(SnapshotMagic.Length + 8)..]);
        var offset = headerSize;
        for (long i = 0; i < count; i++)
        {
            if (!LogRecord.TryRead(data[offset..], out var record, out var consumed))
            {
                throw Damaged(path, $"record {i} of {count} at offset {offset} is damaged");
            }

            objects[record.Key] = record.Json;
            offset += consumed;
        }

        return offset == data.Length ? revision : throw Damaged(path, "it has bytes after its last record");
    }

    private static FailedPreconditionException Damaged(string path, string why) =>
        new($"the store snapshot {path} is damaged: {why}; restore the data directory from a backup, or remove the snapshot and log to start empty");

    private static UnavailableException Failed(Exception e) =>
        new($"the store's write-ahead log failed ({e.Message}): the write may not be durable; restart the store to recover from its data directory", e);

    private static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
