using System.Collections.Concurrent;

namespace Containers.Images.Registry;

/// <summary>
/// Counts the bytes of a transfer's blobs, per blob and in total, and reports them: every change
/// of state, and bytes at most every <see cref="ReportEvery"/> per blob, so a fast download does
/// not flood the listener.
/// </summary>
internal sealed class TransferTracker<T>
    where T : TransferProgress
{
    internal const long ReportEvery = 256 * 1024;

    private readonly IProgress<T>? _progress;
    private readonly Func<Descriptor, BlobTransferState, long, long, long, T> _create;
    private readonly ConcurrentDictionary<Digest, Counter> _blobs = new();
    private readonly long _totalSize;
    private long _totalBytes;

    public TransferTracker(IProgress<T>? progress, IReadOnlyCollection<Descriptor> blobs, Func<Descriptor, BlobTransferState, long, long, long, T> create)
    {
        _progress = progress;
        _create = create;
        _totalSize = blobs.Sum(b => b.Size);
        foreach (var blob in blobs)
        {
            _blobs.TryAdd(blob.Digest, new Counter());
        }

        foreach (var blob in blobs)
        {
            Report(blob, BlobTransferState.Waiting);
        }
    }

    /// <summary>Bytes done over all blobs.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>Bytes moved (not found present) over all blobs.</summary>
    public long Transferred => _blobs.Values.Sum(c => Interlocked.Read(ref c.Moved));

    /// <summary>The blob is there already: all of it counts as done.</summary>
    public void Skipped(Descriptor blob, BlobTransferState state) => Finish(blob, state);

    /// <summary>The blob is complete and verified.</summary>
    public void Done(Descriptor blob) => Finish(blob, BlobTransferState.Done);

    /// <summary>Bytes moved; reported when enough have gathered.</summary>
    public void Advance(Descriptor blob, long bytes)
    {
        var counter = _blobs[blob.Digest];
        var now = Interlocked.Add(ref counter.Bytes, bytes);
        Interlocked.Add(ref counter.Moved, bytes);
        Interlocked.Add(ref _totalBytes, bytes);
        if (now - Interlocked.Read(ref counter.Reported) >= ReportEvery)
        {
            Interlocked.Exchange(ref counter.Reported, now);
            Report(blob, BlobTransferState.Transferring);
        }
    }

    /// <summary>A broken transfer starts again at <paramref name="from"/> bytes (0 when the source could not resume).</summary>
    public void Retrying(Descriptor blob, long from)
    {
        var counter = _blobs[blob.Digest];
        var before = Interlocked.Exchange(ref counter.Bytes, from);
        Interlocked.Add(ref _totalBytes, from - before);
        Report(blob, BlobTransferState.Retrying);
    }

    public void Report(Descriptor blob, BlobTransferState state) =>
        _progress?.Report(_create(blob, state, Interlocked.Read(ref _blobs[blob.Digest].Bytes), TotalBytes, _totalSize));

    private void Finish(Descriptor blob, BlobTransferState state)
    {
        var counter = _blobs[blob.Digest];
        var before = Interlocked.Exchange(ref counter.Bytes, blob.Size);
        Interlocked.Add(ref _totalBytes, blob.Size - before);
        Report(blob, state);
    }

    private sealed class Counter
    {
        public long Bytes;
        public long Moved;
        public long Reported;
    }
}
