using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Queue;
using Containers.Orchestration.Store;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// Kubernetes' TTL-after-finished controller: deletes a finished Job once
/// <c>ttlSecondsAfterFinished</c> has passed since its Complete or Failed condition, cascading to
/// its pods (foreground propagation, as Kubernetes deletes it, so the Job goes after its pods).
/// </summary>
internal sealed partial class TtlAfterFinishedReconciler : IReconciler
{
    private readonly IApiClient _client;
    private readonly TimeProvider _time;
    private readonly WorkQueue<NamespacedName> _queue;
    private readonly ILogger _logger;

    public TtlAfterFinishedReconciler(ControllerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _client = context.Client;
        _time = context.Time;
        _queue = context.Queue;
        _logger = context.LoggerFactory.CreateLogger<TtlAfterFinishedReconciler>();
        context.Informers.For<Job>().AddEventHandler(new InformerHandler<Job>
        {
            OnAdd = EnqueueIfExpiring,
            OnUpdate = (_, job) => EnqueueIfExpiring(job),
        });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var job = await _client.GetAsync<Job>(key, cancellationToken).ConfigureAwait(false);
        if (job is null || !Expires(job) || JobState.FinishTime(job) is not { } finished)
        {
            return ReconcileResult.Done;
        }

        var left = finished + TimeSpan.FromSeconds(job.Spec.TtlSecondsAfterFinished!.Value) - _time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            return ReconcileResult.After(left);
        }

        Log.Expired(_logger, key, job.Spec.TtlSecondsAfterFinished.Value);
        try
        {
            var options = new DeleteOptions
            {
                PropagationPolicy = PropagationPolicy.Foreground,
                Preconditions = new Preconditions(Uid: job.Metadata.Uid),
            };
            await _client.DeleteAsync<Job>(key, options, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }

        return ReconcileResult.Done;
    }

    private static bool Expires(Job job) =>
        job.Spec.TtlSecondsAfterFinished is not null && job.Metadata.DeletionTimestamp is null && JobState.IsFinished(job);

    private void EnqueueIfExpiring(Job job)
    {
        if (Expires(job))
        {
            _queue.Add(job.Key);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8520, Level = LogLevel.Information, Message = "Job {Job} finished more than {Ttl} s ago (ttlSecondsAfterFinished): deleting it and its pods")]
        public static partial void Expired(ILogger logger, NamespacedName job, int ttl);
    }
}
