using Containers.Errors;
using Containers.Orchestration.Controllers.Leader;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Store.Etcd;

/// <summary>
/// Leader election through an etcd lease, so that only one of several controller managers (on any
/// machines sharing the etcd) acts. A candidate grants a lease and creates the campaign key
/// <c>{prefix}/leader-election/{name}</c> with it in one transaction if the key is absent; otherwise
/// it watches the key until it is deleted and tries again. The leader renews the lease; it loses
/// leadership (<see cref="ILeadership.Lost"/>) when a renewal fails past the renew deadline, when etcd
/// says the lease is gone, or when the key is deleted or taken over. Stepping down revokes the lease,
/// which deletes the key at once.
/// </summary>
public sealed partial class EtcdLeaderElector : ILeaderElector
{
    private readonly EtcdConnection _etcd;
    private readonly string _keyPrefix;
    private readonly string _identity;
    private readonly long _ttlSeconds;
    private readonly TimeSpan _renewInterval;
    private readonly TimeSpan _renewDeadline;
    private readonly TimeSpan _watchRetryTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _candidates;

    /// <summary>An elector on the etcd of <paramref name="store"/>, under its prefix.</summary>
    /// <exception cref="InvalidArgumentException">The lease is shorter than 2 s or not whole seconds, or the renew interval is not below the renew deadline, itself below the lease.</exception>
    public EtcdLeaderElector(EtcdStateStore store, EtcdLeaderElectorOptions? options = null, TimeProvider? timeProvider = null, ILogger<EtcdLeaderElector>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new EtcdLeaderElectorOptions();
        var lease = options.LeaseDuration;
        if (lease < TimeSpan.FromSeconds(2) || lease.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new InvalidArgumentException($"leader election lease of {lease} is not whole seconds of at least 2 (etcd's minimum TTL): pass such as 15 s");
        }

        _renewInterval = options.RenewInterval ?? lease / 3;
        _renewDeadline = options.RenewDeadline ?? lease * 2 / 3;
        if (_renewInterval <= TimeSpan.Zero || _renewInterval >= _renewDeadline || _renewDeadline >= lease)
        {
            throw new InvalidArgumentException($"leader election: renew interval {_renewInterval} < renew deadline {_renewDeadline} < lease {lease} must hold, so a leader stops before its lease can expire");
        }

        _etcd = store.Connection;
        _keyPrefix = $"{store.Prefix}/leader-election/";
        _identity = options.Identity ?? $"{Environment.MachineName}-{Environment.ProcessId}";
        _ttlSeconds = (long)lease.TotalSeconds;
        _watchRetryTimeout = _renewDeadline;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The etcd key a campaign for <paramref name="name"/> creates; its value is the leader's identity.</summary>
    public string KeyOf(string name) => _keyPrefix + name;

    public async Task<ILeadership> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidArgumentException($"leader election name \"{name}\" contains '/': use a plain name such as controller-manager");
        }

        var identity = $"{_identity}-{Interlocked.Increment(ref _candidates)}";
        var key = EtcdKeys.From(KeyOf(name));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var granted = _time.GetTimestamp();
            var lease = await _etcd.CallAsync(() => _etcd.Client.LeaseGrantAsync(new LeaseGrantRequest { TTL = _ttlSeconds }, cancellationToken: cancellationToken), $"grant a lease to campaign for {name}").ConfigureAwait(false);
            TxnResponse txn;
            try
            {
                txn = await _etcd.CallAsync(
                        () => _etcd.Client.TransactionAsync(
                            new TxnRequest
                            {
                                Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 } },
                                Success = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = EtcdKeys.From(identity), Lease = lease.ID } } },
                                Failure = { new RequestOp { RequestRange = new RangeRequest { Key = key } } },
                            },
                            cancellationToken: cancellationToken),
                        $"campaign for {name}")
                    .ConfigureAwait(false);
            }
            catch
            {
                await RevokeAsync(lease.ID).ConfigureAwait(false);
                throw;
            }

            if (txn.Succeeded)
            {
                Log.Acquired(_logger, name, identity, lease.ID);
                return new EtcdLeadership(this, name, identity, lease.ID, txn.Header.Revision, granted);
            }

            await RevokeAsync(lease.ID).ConfigureAwait(false);
            var holder = txn.Responses[0].ResponseRange.Kvs is [var kv, ..] ? kv.Value.ToStringUtf8() : "?";
            Log.Waiting(_logger, name, identity, holder);
            await WaitForDeletionAsync(KeyOf(name), txn.Header.Revision, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns once <paramref name="key"/> is deleted after <paramref name="revision"/>.</summary>
    private async Task WaitForDeletionAsync(string key, long revision, CancellationToken cancellationToken)
    {
        await using var stream = EtcdWatchStream.OfKey(_etcd, key, revision, _watchRetryTimeout, _time, _logger);
        while (true)
        {
            var events = await stream.NextAsync(cancellationToken).ConfigureAwait(false);
            if (events.Any(e => e.Type == Mvccpb.Event.Types.EventType.Delete))
            {
                return;
            }
        }
    }

    private async Task RevokeAsync(long leaseId)
    {
        try
        {
            // Not the caller's token: a cancelled campaign must still give its lease back.
            await _etcd.Client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, deadline: _time.GetUtcNow().UtcDateTime + _renewDeadline).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            // It expires by itself after its TTL.
            Log.RevokeFailed(_logger, leaseId, e.Status.Detail);
        }
    }

    /// <summary>One term: renews the lease and watches the key until stepped down or lost.</summary>
    private sealed class EtcdLeadership : ILeadership
    {
        private readonly EtcdLeaderElector _elector;
        private readonly long _leaseId;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;
        private readonly Task _watching;
        private int _stepped;

        public EtcdLeadership(EtcdLeaderElector elector, string name, string identity, long leaseId, long revision, long granted)
        {
            _elector = elector;
            Name = name;
            Identity = identity;
            _leaseId = leaseId;
            _renewing = RenewAsync(granted, _stop.Token);
            _watching = WatchKeyAsync(revision, _stop.Token);
        }

        public string Name { get; }

        public string Identity { get; }

        public CancellationToken Lost => _lost.Token;

        private async Task RenewAsync(long lastRenewed, CancellationToken stop)
        {
            var time = _elector._time;
            try
            {
                while (true)
                {
                    var left = _elector._renewDeadline - time.GetElapsedTime(lastRenewed);
                    await Task.Delay(left < _elector._renewInterval ? TimeSpan.FromTicks(Math.Max(0, left.Ticks / 2)) : _elector._renewInterval, time, stop).ConfigureAwait(false);
                    var sent = time.GetTimestamp();
                    left = _elector._renewDeadline - time.GetElapsedTime(lastRenewed);
                    if (left <= TimeSpan.Zero)
                    {
                        LoseLeadership($"its lease {_leaseId:x} was not renewed within {_elector._renewDeadline.TotalSeconds:0.#} s");
                        return;
                    }

                    try
                    {
                        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        attempt.CancelAfter(left);
                        var ttl = await KeepAliveOnceAsync(attempt.Token).ConfigureAwait(false);
                        if (ttl <= 0)
                        {
                            LoseLeadership($"etcd says its lease {_leaseId:x} expired or was revoked");
                            return;
                        }

                        lastRenewed = sent;
                    }
                    catch (Exception e) when (e is RpcException or OperationCanceledException && !stop.IsCancellationRequested)
                    {
                        Log.RenewFailed(_elector._logger, Name, _leaseId, e.Message);
                    }
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stepped down.
            }
        }

        private async Task<long> KeepAliveOnceAsync(CancellationToken cancellationToken)
        {
            using var call = _elector._etcd.Lease.LeaseKeepAlive(cancellationToken: cancellationToken);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = _leaseId }, cancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false)
                ? call.ResponseStream.Current.TTL
                : throw new RpcException(new Status(StatusCode.Unavailable, "etcd closed the keep-alive stream without an answer"));
        }

        private async Task WatchKeyAsync(long revision, CancellationToken stop)
        {
            var key = _elector.KeyOf(Name);
            try
            {
                await using var stream = EtcdWatchStream.OfKey(_elector._etcd, key, revision, _elector._watchRetryTimeout, _elector._time, _elector._logger);
                while (true)
                {
                    foreach (var change in await stream.NextAsync(stop).ConfigureAwait(false))
                    {
                        if (change.Type == Mvccpb.Event.Types.EventType.Delete || change.Kv.Lease != _leaseId)
                        {
                            LoseLeadership($"its campaign key {key} was {(change.Type == Mvccpb.Event.Types.EventType.Delete ? "deleted (lease expired or revoked)" : "taken over")}");
                            return;
                        }
                    }
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stepped down.
            }
            catch (Exception e)
            {
                // Without a view of the key it cannot know it still leads.
                LoseLeadership($"the watch of its campaign key failed ({e.GetType().Name}: {e.Message})");
            }
        }

        private void LoseLeadership(string why)
        {
            if (_lost.IsCancellationRequested)
            {
                return;
            }

            Log.Lost(_elector._logger, Name, Identity, why);
            _lost.Cancel();
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _stepped, 1) != 0)
            {
                return;
            }

            await _stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_renewing, _watching).ConfigureAwait(false);

            // Revoking deletes the key: the next candidate leads without waiting for the TTL.
            await _elector.RevokeAsync(_leaseId).ConfigureAwait(false);
            Log.SteppedDown(_elector._logger, Name, Identity);
            _stop.Dispose();

            // _lost is not disposed: a holder may still read Lost.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "{Identity} leads {Name} (etcd lease {LeaseId:x})")]
        public static partial void Acquired(ILogger logger, string name, string identity, long leaseId);

        [LoggerMessage(EventId = 2121, Level = LogLevel.Information, Message = "{Identity} waits to lead {Name}: {Holder} leads")]
        public static partial void Waiting(ILogger logger, string name, string identity, string holder);

        [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "{Identity} lost leadership of {Name}: {Reason}")]
        public static partial void Lost(ILogger logger, string name, string identity, string reason);

        [LoggerMessage(EventId = 2123, Level = LogLevel.Information, Message = "{Identity} stepped down from leading {Name}")]
        public static partial void SteppedDown(ILogger logger, string name, string identity);

        [LoggerMessage(EventId = 2124, Level = LogLevel.Warning, Message = "Renewing the lease {LeaseId:x} of {Name} failed ({Reason}); retrying")]
        public static partial void RenewFailed(ILogger logger, string name, long leaseId, string reason);

        [LoggerMessage(EventId = 2125, Level = LogLevel.Debug, Message = "Revoking etcd lease {LeaseId:x} failed ({Reason}); it expires by itself")]
        public static partial void RevokeFailed(ILogger logger, long leaseId, string reason);
    }
}
