using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.NodeLifecycle;

/// <summary>
/// Watches node heartbeats (kube's node lifecycle controller): a node whose agent has not written
/// its Ready condition for <see cref="NodeLifecycleOptions.MonitorGracePeriod"/> gets every
/// condition set to Unknown ("Kubelet stopped posting node status."), and its pods are marked not
/// ready. It keeps the node's taints in step with its Ready condition: not-ready (False) or
/// unreachable (Unknown), each as NoSchedule (the scheduler skips the node) and NoExecute (the
/// <see cref="TaintEvictionController"/> evicts pods that do not tolerate it in time), removed when
/// the node is Ready again.
/// </summary>
public sealed partial class NodeLifecycleController : IReconciler
{
    public const string NodeStatusUnknownReason = "NodeStatusUnknown";

    private static readonly string[] MonitoredConditions = [NodeConditionType.Ready, NodeConditionType.MemoryPressure, NodeConditionType.DiskPressure, NodeConditionType.PidPressure];

    private readonly ControllerContext _context;
    private readonly NodeLifecycleOptions _options;
    private readonly Informer<Node> _nodes;
    private readonly Informer<Pod> _pods;
    private readonly ILogger _logger;

    public NodeLifecycleController(ControllerContext context, NodeLifecycleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _options = options ?? new();
        _logger = context.LoggerFactory.CreateLogger<NodeLifecycleController>();
        _nodes = context.Informers.For<Node>();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddPodsByNode();
        _nodes.AddEventHandler(context.EnqueueSelf<Node>());
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var node = _nodes.Cache.Get(key);
        if (node is null)
        {
            return ReconcileResult.Done;
        }

        var now = _context.Time.GetUtcNow();
        var ready = Conditions.Find(node.Status.Conditions, NodeConditionType.Ready);
        var lastHeard = ready?.LastHeartbeatTime ?? node.Metadata.CreationTimestamp ?? now;
        var grace = ready is null ? _options.StartupGracePeriod : _options.MonitorGracePeriod;
        if (now - lastHeard > grace && ready?.Status != ConditionStatus.Unknown)
        {
            node = await MarkUnknownAsync(node, ready is null, now, cancellationToken).ConfigureAwait(false) ?? node;
            ready = Conditions.Find(node.Status.Conditions, NodeConditionType.Ready);
            Log.NodeUnknown(_logger, node.Name, now - lastHeard);
            await MarkPodsNotReadyAsync(node, now, cancellationToken).ConfigureAwait(false);
        }

        await SyncTaintsAsync(node, ready?.Status, now, cancellationToken).ConfigureAwait(false);

        // Check again when the heartbeat would go stale, at the monitor period's pace.
        var staleIn = lastHeard + grace - now;
        return ReconcileResult.After(staleIn > _options.MonitorPeriod || staleIn <= TimeSpan.Zero ? _options.MonitorPeriod : staleIn + TimeSpan.FromMilliseconds(1));
    }

    private async Task<Node?> MarkUnknownAsync(Node node, bool neverReported, DateTimeOffset now, CancellationToken cancellationToken) =>
        await _context.Client.UpdateStatusRetryingAsync(node, n =>
        {
            var conditions = n.Status.Conditions;
            foreach (var type in MonitoredConditions)
            {
                var existing = Conditions.Find(conditions, type);
                conditions = Conditions.Set(conditions, new Condition
                {
                    Type = type,
                    Status = ConditionStatus.Unknown,
                    Reason = existing is null || neverReported ? "NodeStatusNeverUpdated" : NodeStatusUnknownReason,
                    Message = existing is null || neverReported ? "Kubelet never posted node status." : "Kubelet stopped posting node status.",
                    LastHeartbeatTime = existing?.LastHeartbeatTime,
                    LastTransitionTime = now,
                });
            }

            return n with { Status = n.Status with { Conditions = conditions } };
        }, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>Sets Ready=False on the node's pods, as nobody can vouch for them any more.</summary>
    private async Task MarkPodsNotReadyAsync(Node node, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var pod in _pods.Cache.ByIndex(CommonIndexes.PodsByNode, node.Name))
        {
            if (Conditions.Find(pod.Status.Conditions, PodConditionType.Ready) is not { Status: ConditionStatus.True })
            {
                continue;
            }

            var notReady = new Condition { Type = PodConditionType.Ready, Status = ConditionStatus.False, LastTransitionTime = now };
            await _context.Client.UpdateStatusRetryingAsync(pod, p => p with
            {
                Status = p.Status with
                {
                    Conditions = Conditions.Set(p.Status.Conditions, notReady),
                    ContainerStatuses = [.. p.Status.ContainerStatuses.Select(c => c with { Ready = false })],
                },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SyncTaintsAsync(Node node, string? ready, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wanted = ready switch
        {
            ConditionStatus.False => WellKnownTaints.NotReady,
            ConditionStatus.Unknown => WellKnownTaints.Unreachable,
            _ => null,
        };
        var taints = node.Spec.Taints;
        var kept = taints.Where(t => t.Key is not (WellKnownTaints.NotReady or WellKnownTaints.Unreachable) || t.Key == wanted).ToList();
        foreach (var effect in new[] { TaintEffect.NoSchedule, TaintEffect.NoExecute })
        {
            if (wanted is not null && !kept.Any(t => t.Key == wanted && t.Effect == effect))
            {
                kept.Add(new Taint { Key = wanted, Effect = effect, TimeAdded = effect == TaintEffect.NoExecute ? now : null });
            }
        }

        if (kept.Count == taints.Count && kept.All(taints.Contains))
        {
            return;
        }

        Log.Tainted(_logger, node.Name, wanted ?? "none");
        await _context.Client.UpdateRetryingAsync(node, n => n with
        {
            Spec = n.Spec with
            {
                Taints = [.. n.Spec.Taints.Where(t => t.Key is not (WellKnownTaints.NotReady or WellKnownTaints.Unreachable)).Concat(kept.Where(t => t.Key == wanted))],
            },
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8301, Level = LogLevel.Warning, Message = "Node {Node} has not reported for {Silence}: marking it Unknown")]
        public static partial void NodeUnknown(ILogger logger, string node, TimeSpan silence);

        [LoggerMessage(EventId = 8302, Level = LogLevel.Information, Message = "Node {Node}: readiness taint now {Taint}")]
        public static partial void Tainted(ILogger logger, string node, string taint);
    }
}
