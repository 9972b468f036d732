using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.NodeLifecycle;

/// <summary>
/// Evicts pods from nodes with NoExecute taints (kube's taint-eviction controller): a pod that does
/// not tolerate one of them is deleted at once; one that tolerates them all stays for the shortest
/// tolerationSeconds among the tolerations used, counted from when the taint was added (forever
/// when none sets it). An evicted pod gets the DisruptionTarget condition, then a graceful delete;
/// its controller replaces it elsewhere.
/// </summary>
public sealed partial class TaintEvictionController : IReconciler
{
    private readonly ControllerContext _context;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly ILogger _logger;

    public TaintEvictionController(ControllerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<TaintEvictionController>();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddPodsByNode();
        _nodes = context.Informers.For<Node>();
        _pods.AddEventHandler(new InformerHandler<Pod>
        {
            OnAdd = EnqueueIfBound,
            OnUpdate = (old, pod) =>
            {
                if (old.Spec.NodeName != pod.Spec.NodeName || !old.Spec.Tolerations.SequenceEqual(pod.Spec.Tolerations))
                {
                    EnqueueIfBound(pod);
                }
            },
        });
        _nodes.AddEventHandler(new InformerHandler<Node>
        {
            OnAdd = EnqueuePodsOn,
            OnUpdate = (old, node) =>
            {
                if (!NoExecute(old).SequenceEqual(NoExecute(node)))
                {
                    EnqueuePodsOn(node);
                }
            },
        });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var pod = _pods.Cache.Get(key);
        if (pod is null || string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var node = _nodes.Cache.Get(new NamespacedName(null, pod.Spec.NodeName));
        var taints = node is null ? [] : NoExecute(node).ToList();
        if (taints.Count == 0)
        {
            return ReconcileResult.Done;
        }

        var now = _context.Time.GetUtcNow();
        DateTimeOffset? evictAt = null;
        foreach (var taint in taints)
        {
            var used = pod.Spec.Tolerations.Where(t => t.Tolerates(taint)).ToList();
            if (used.Count == 0)
            {
                evictAt = now;
                break;
            }

            // A toleration without tolerationSeconds tolerates forever; else the shortest counts.
            var seconds = used.All(t => t.TolerationSeconds is not null) ? used.Min(t => Math.Max(0, t.TolerationSeconds!.Value)) : (long?)null;
            if (seconds is { } s)
            {
                var at = (taint.TimeAdded ?? now).AddSeconds(s);
                evictAt = evictAt is null || at < evictAt ? at : evictAt;
            }
        }

        if (evictAt is null)
        {
            return ReconcileResult.Done;
        }

        if (evictAt > now)
        {
            return ReconcileResult.After(evictAt.Value - now);
        }

        await EvictAsync(pod, now, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    private async Task EvictAsync(Pod pod, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Log.Evicting(_logger, pod.Key, pod.Spec.NodeName!);
        var target = new Condition
        {
            Type = PodConditionType.DisruptionTarget,
            Status = ConditionStatus.True,
            Reason = "DeletionByTaintManager",
            Message = "Taint manager: deleting due to NoExecute taint",
            LastTransitionTime = now,
        };
        await _context.Client.UpdateStatusRetryingAsync(pod, p => p with { Status = p.Status with { Conditions = Conditions.Set(p.Status.Conditions, target) } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await _context.Client.DeleteAsync<Pod>(pod.Key, new DeleteOptions { Preconditions = new Store.Preconditions(pod.Metadata.Uid) }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    private void EnqueueIfBound(Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            _context.Queue.Add(pod.Key);
        }
    }

    private void EnqueuePodsOn(Node node)
    {
        foreach (var pod in _pods.Cache.ByIndex(CommonIndexes.PodsByNode, node.Name))
        {
            _context.Queue.Add(pod.Key);
        }
    }

    private static IEnumerable<Taint> NoExecute(Node node) => node.Spec.Taints.Where(t => t.Effect == TaintEffect.NoExecute);

    private static partial class Log
    {
        [LoggerMessage(EventId = 8311, Level = LogLevel.Information, Message = "Evicting pod {Pod} from node {Node}: NoExecute taint not tolerated any longer")]
        public static partial void Evicting(ILogger logger, NamespacedName pod, string node);
    }
}
