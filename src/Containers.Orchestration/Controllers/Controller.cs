using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Controllers;

/// <summary>
/// Runs a reconciler over its queue with a number of workers: each takes a key, reconciles it, and
/// requeues it as the result (or a failure) says. The queue guarantees no key is reconciled by two
/// workers at once.
/// </summary>
public sealed partial class Controller
{
    private readonly IReconciler _reconciler;
    private readonly ILogger _logger;

    public Controller(string name, IReconciler reconciler, WorkQueue<NamespacedName> queue, int workers = 1, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        Name = name;
        _reconciler = reconciler;
        Queue = queue;
        Workers = workers;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Name { get; }

    public WorkQueue<NamespacedName> Queue { get; }

    public int Workers { get; }

    public IReconciler Reconciler => _reconciler;

    /// <summary>
    /// Runs the workers until <paramref name="cancellationToken"/> is cancelled, then shuts the queue
    /// down and waits for the reconciles in flight.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)).ToArray();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Queue.ShutDown();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            NamespacedName key;
            try
            {
                var (item, shuttingDown) = await Queue.GetAsync(cancellationToken).ConfigureAwait(false);
                if (shuttingDown)
                {
                    return;
                }

                key = item;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await ProcessAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ProcessAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            if (result.RequeueAfter is { } after && after > TimeSpan.Zero)
            {
                Queue.Forget(key);
                Queue.AddAfter(key, after);
            }
            else if (result.Requeue)
            {
                Queue.AddRateLimited(key);
            }
            else
            {
                Queue.Forget(key);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ConflictException e)
        {
            // Someone wrote first; the next reconcile reads the newer object.
            Log.Conflict(_logger, Name, key, e.Message);
            Queue.AddRateLimited(key);
        }
#pragma warning disable CA1031 // A failed reconcile is retried with backoff; the worker lives on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.Failed(_logger, Name, key, Queue.NumRequeues(key), e);
            Queue.AddRateLimited(key);
        }
        finally
        {
            Queue.Done(key);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8010, Level = LogLevel.Debug, Message = "{Controller} hit a conflict on {Key}, retrying: {Reason}")]
        public static partial void Conflict(ILogger logger, string controller, NamespacedName key, string reason);

        [LoggerMessage(EventId = 8011, Level = LogLevel.Warning, Message = "{Controller} failed to reconcile {Key} (retry {Retries})")]
        public static partial void Failed(ILogger logger, string controller, NamespacedName key, int retries, Exception exception);
    }
}
