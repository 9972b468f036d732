using Containers.Errors;
using Containers.Orchestration.Controllers.Leader;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Server;

/// <summary>
/// Runs the API server's own controllers (<see cref="ApiServer.RunControllersPassAsync"/>): in the
/// background, woken by every delete and by the earliest pending graceful deletion, with a periodic
/// resync; or on demand, pass after pass until nothing changes. With a leader elector, the
/// background passes run only while this server leads under <see cref="ApiServer.ControllersLeaderElectionName"/>,
/// so that of several API servers on one store one collects garbage, as one kube-controller-manager does.
/// </summary>
internal sealed partial class BuiltInControllers(ApiServer server, TimeProvider time, TimeSpan resync, ILeaderElector? elector, ILogger logger) : IAsyncDisposable
{
    private const int MaxSettlePasses = 100;

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _passLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Asks for a pass soon; many wakes before it starts make one pass.</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxSettlePasses; i++)
        {
            var (changed, _) = await PassAsync(cancellationToken).ConfigureAwait(false);
            if (!changed)
            {
                return;
            }
        }

        throw new UnavailableException($"the built-in controllers still changed objects after {MaxSettlePasses} passes: something keeps undoing their work");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        _stopping.Dispose();
        _wake.Dispose();
        _passLock.Dispose();
    }

    private async Task<(bool Changed, DateTimeOffset? Next)> PassAsync(CancellationToken cancellationToken)
    {
        await _passLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await server.RunControllersPassAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _passLock.Release();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        if (elector is null)
        {
            await RunPassesAsync(stopping).ConfigureAwait(false);
            return;
        }

        await elector.RunAsync(
            ApiServer.ControllersLeaderElectionName,
            (leadership, term) =>
            {
                Log.Leading(logger, ApiServer.ControllersLeaderElectionName, leadership.Identity);
                return RunPassesAsync(term);
            },
            leadership => Log.Lost(logger, ApiServer.ControllersLeaderElectionName, leadership.Identity),
            stopping).ConfigureAwait(false);
    }

    /// <summary>Runs passes, as deletes and deadlines wake it, until <paramref name="stopping"/> (the end of the server, or of its term as leader).</summary>
    private async Task RunPassesAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            DateTimeOffset? next = null;
            try
            {
                var (changed, deadline) = await PassAsync(stopping).ConfigureAwait(false);
                if (changed)
                {
                    continue;
                }

                next = deadline;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ContainersException or IOException)
            {
                Log.PassFailed(logger, e);
            }

            var delay = resync;
            if (next is { } at && at - time.GetUtcNow() is var untilDeadline && untilDeadline < delay)
            {
                delay = untilDeadline < TimeSpan.Zero ? TimeSpan.Zero : untilDeadline;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var woken = _wake.WaitAsync(wait.Token);
            var timer = Task.Delay(delay, time, wait.Token);
            try
            {
                await Task.WhenAny(woken, timer).ConfigureAwait(false);
            }
            finally
            {
                await wait.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(woken, timer).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8310, Level = LogLevel.Warning, Message = "A pass of the API server's built-in controllers failed; retrying at the next wake")]
        public static partial void PassFailed(ILogger logger, Exception error);

        [LoggerMessage(EventId = 8312, Level = LogLevel.Information, Message = "The API server's built-in controllers lead under {Name} as {Identity}")]
        public static partial void Leading(ILogger logger, string name, string identity);

        [LoggerMessage(EventId = 8313, Level = LogLevel.Warning, Message = "The API server's built-in controllers lost the lead under {Name} ({Identity}); campaigning again")]
        public static partial void Lost(ILogger logger, string name, string identity);
    }
}
