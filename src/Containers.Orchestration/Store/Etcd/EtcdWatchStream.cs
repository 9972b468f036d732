using Containers.Errors;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Store.Etcd;

/// <summary>
/// One etcd watch of a key range on its own gRPC stream, from a revision on, that survives a broken
/// connection: it reopens the stream after the last revision it received, for as long as
/// <see cref="EtcdStateStoreOptions.WatchRetryTimeout"/> allows.
/// </summary>
/// <remarks>
/// etcd's progress reports are not used to learn how far a watch has caught up: before etcd 3.4.25
/// and 3.5.8 (this machine has 3.4.23) the answer to a progress request can overtake the history a
/// new watch is still being sent.
/// </remarks>
internal sealed partial class EtcdWatchStream : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly EtcdConnection _etcd;
    private readonly ByteString _key;
    private readonly ByteString _rangeEnd;
    private readonly string _name;
    private readonly TimeSpan _retryTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private AsyncDuplexStreamingCall<WatchRequest, WatchResponse>? _call;

    private EtcdWatchStream(EtcdConnection etcd, ByteString key, ByteString rangeEnd, string name, long after, TimeSpan retryTimeout, TimeProvider time, ILogger logger)
    {
        _etcd = etcd;
        _key = key;
        _rangeEnd = rangeEnd;
        _name = name;
        Seen = after;
        _retryTimeout = retryTimeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every change up to this revision has been received.</summary>
    public long Seen { get; private set; }

    /// <summary>A watch of the keys that start with <paramref name="prefix"/>, after revision <paramref name="after"/>.</summary>
    public static EtcdWatchStream OfPrefix(EtcdConnection etcd, string prefix, long after, TimeSpan retryTimeout, TimeProvider time, ILogger logger) =>
        new(etcd, EtcdKeys.From(prefix), EtcdKeys.RangeEnd(prefix), prefix, after, retryTimeout, time, logger);

    /// <summary>A watch of the one key <paramref name="key"/>, after revision <paramref name="after"/>.</summary>
    public static EtcdWatchStream OfKey(EtcdConnection etcd, string key, long after, TimeSpan retryTimeout, TimeProvider time, ILogger logger) =>
        new(etcd, EtcdKeys.From(key), ByteString.Empty, key, after, retryTimeout, time, logger);

    /// <summary>
    /// A watch of every key in etcd, after revision <paramref name="after"/>: every revision is some
    /// key's change, so it is how a watcher learns that it has seen everything up to a revision.
    /// </summary>
    public static EtcdWatchStream OfEverything(EtcdConnection etcd, long after, TimeSpan retryTimeout, TimeProvider time, ILogger logger) =>
        new(etcd, ByteString.CopyFrom(0), ByteString.CopyFrom(0), "every key", after, retryTimeout, time, logger);

    /// <summary>The next changes, their revisions above <see cref="Seen"/> before the call, in revision order.</summary>
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
                response = await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false) ? _call.ResponseStream.Current : null;
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
                        $"the watch of {_name} lost etcd at {_etcd.Endpoints} and could not reopen it in {_retryTimeout.TotalSeconds:0.#} s ({failure?.Message ?? "the stream ended"}): check that etcd runs, then list again and watch",
                        failure);
                }

                Log.Reconnecting(_logger, _name, Seen, failure?.Message ?? "the stream ended");
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
                continue;
            }

            if (failedAt is not null)
            {
                Log.Resumed(_logger, _name, Seen);
                failedAt = null;
                delay = FirstRetryDelay;
            }

            if (response.CompactRevision > 0)
            {
                throw StoreObjects.TooOld(Seen, response.CompactRevision - 1);
            }

            if (response.Canceled)
            {
                throw new UnavailableException($"etcd at {_etcd.Endpoints} cancelled the watch of {_name}: {response.CancelReason}: list again and watch");
            }

            // Created and progress reports carry no changes.
            if (response.Events.Count == 0)
            {
                continue;
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
                new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _key, RangeEnd = _rangeEnd, StartRevision = Seen + 1, PrevKv = true } },
                cancellationToken).ConfigureAwait(false);
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    private void CloseCall()
    {
        _call?.Dispose();
        _call = null;
    }

    public ValueTask DisposeAsync()
    {
        CloseCall();
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Watch of {Name} lost its etcd stream after revision {Revision} ({Reason}); reopening it")]
        public static partial void Reconnecting(ILogger logger, string name, long revision, string reason);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Watch of {Name} resumed after revision {Revision}")]
        public static partial void Resumed(ILogger logger, string name, long revision);
    }
}
