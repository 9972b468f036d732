using Containers.Errors;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Store.Etcd;

/// <summary>
/// One etcd watch of a key prefix (or of one key) on its own gRPC stream, from a revision on, that survives a broken
/// connection: it reopens the stream after the last revision it received, for as long as
/// <see cref="EtcdStateStoreOptions.WatchRetryTimeout"/> allows. It asks etcd for progress
/// notifications while a caller wants to know when it has caught up with a revision.
/// </summary>
internal sealed partial class EtcdWatchStream : IAsyncDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly EtcdConnection _etcd;
    private readonly string _prefix;
    private readonly bool _exact;
    private readonly TimeSpan _retryTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private AsyncDuplexStreamingCall<WatchRequest, WatchResponse>? _call;
    private Task<bool>? _pendingMove;

    /// <param name="exact">Watch only the key <paramref name="prefix"/>, not the keys it begins.</param>
    public EtcdWatchStream(EtcdConnection etcd, string prefix, long after, TimeSpan retryTimeout, TimeProvider time, ILogger logger, bool exact = false)
    {
        _etcd = etcd;
        _prefix = prefix;
        _exact = exact;
        Seen = after;
        _retryTimeout = retryTimeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every change up to this revision has been received.</summary>
    public long Seen { get; private set; }

    /// <summary>While set above <see cref="Seen"/>, the stream asks etcd to report its progress.</summary>
    public long? ProgressWanted { get; set; }

    /// <summary>
    /// The next batch of changes (their revisions above <see cref="Seen"/> before the call), or an
    /// empty batch when only <see cref="Seen"/> moved (a progress report).
    /// </summary>
    /// <exception cref="GoneException">The revision to resume from is compacted.</exception>
    /// <exception cref="UnavailableException">etcd stayed unreachable for the retry timeout, or cancelled the watch.</exception>
    public async ValueTask<IReadOnlyList<Mvccpb.Event>> NextAsync(CancellationToken cancellationToken)
    {
        long? failedAt = null;
        var delay = FirstRetryDelay;
        while (true)
        {
            WatchResponse? response;
            Exception? failure = null;
            try
            {
                _call ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
                response = await ReadAsync(_call, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the watch was cancelled", e, cancellationToken);
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // gRPC reports a connection torn down under a call as either.
                response = null;
                failure = e;
            }

            if (response is null)
            {
                // The stream broke or etcd closed it: reopen it after what was received, unless etcd
                // has been away too long.
                CloseCall();
                failedAt ??= _time.GetTimestamp();
                if (_time.GetElapsedTime(failedAt.Value) > _retryTimeout)
                {
                    throw new UnavailableException(
                        $"the watch of {_prefix} lost etcd at {_etcd.Endpoints} and could not reopen it in {_retryTimeout.TotalSeconds:0.#} s ({failure?.Message ?? "the stream ended"}): check that etcd runs, then list again and watch",
                        failure);
                }

                Log.Reconnecting(_logger, _prefix, Seen, failure?.Message ?? "the stream ended");
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
                continue;
            }

            if (failedAt is not null)
            {
                Log.Resumed(_logger, _prefix, Seen);
                failedAt = null;
                delay = FirstRetryDelay;
            }

            if (response.CompactRevision > 0)
            {
                throw StoreObjects.TooOld(Seen, response.CompactRevision - 1);
            }

            if (response.Canceled)
            {
                throw new UnavailableException($"etcd at {_etcd.Endpoints} cancelled the watch of {_prefix}: {response.CancelReason}: list again and watch");
            }

            if (response.Created)
            {
                continue;
            }

            if (response.Events.Count == 0)
            {
                // A progress report: everything up to the header's revision has been sent.
                Seen = Math.Max(Seen, response.Header.Revision);
                return [];
            }

            var events = response.Events.Where(e => e.Kv.ModRevision > Seen).ToList();
            Seen = Math.Max(Seen, response.Events[^1].Kv.ModRevision);
            if (events.Count > 0)
            {
                return events;
            }
        }
    }

    private async Task<AsyncDuplexStreamingCall<WatchRequest, WatchResponse>> OpenAsync(CancellationToken cancellationToken)
    {
        var call = _etcd.Watch.Watch(cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(
                new WatchRequest
                {
                    CreateRequest = new WatchCreateRequest
                    {
                        Key = EtcdKeys.From(_prefix),
                        RangeEnd = _exact ? Google.Protobuf.ByteString.Empty : EtcdKeys.RangeEnd(_prefix),
                        StartRevision = Seen + 1,
                        PrevKv = true,
                    },
                },
                cancellationToken).ConfigureAwait(false);
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <summary>The next response, or null when the server ended the stream. Sends progress requests while one is wanted.</summary>
    private async Task<WatchResponse?> ReadAsync(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            _pendingMove ??= call.ResponseStream.MoveNext(cancellationToken);
            if (ProgressWanted is { } wanted && wanted > Seen && !_pendingMove.IsCompleted)
            {
                // etcd answers a progress request only once the watch has caught up: ask until it has.
                await call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, cancellationToken).ConfigureAwait(false);
                await Task.WhenAny(_pendingMove, Task.Delay(ProgressInterval, _time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!_pendingMove.IsCompleted)
                {
                    continue;
                }
            }

            var move = _pendingMove;
            _pendingMove = null;
            return await move.ConfigureAwait(false) ? call.ResponseStream.Current : null;
        }
    }

    private void CloseCall()
    {
        _pendingMove = null;
        _call?.Dispose();
        _call = null;
    }

    public ValueTask DisposeAsync()
    {
        if (_pendingMove is { IsCompleted: false } pending)
        {
            // Observed so that the cancellation the disposal causes is not an unobserved exception.
            _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        CloseCall();
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Watch of {Prefix} lost its etcd stream after revision {Revision} ({Reason}); reopening it")]
        public static partial void Reconnecting(ILogger logger, string prefix, long revision, string reason);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Watch of {Prefix} resumed after revision {Revision}")]
        public static partial void Resumed(ILogger logger, string prefix, long revision);
    }
}
