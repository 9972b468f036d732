using System.Collections.Concurrent;
using System.Globalization;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Scheduling.Plugins;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Scheduling;

/// <summary>
/// Binds pods that have no node to one (kube-scheduler, as a controller over pod keys): every node
/// goes through the filters in order (unschedulable, node name, taints, node affinity, resources),
/// stopping at the first that rejects it; the nodes that pass are scored (least allocated) and the
/// best is chosen (ties go to the first by name). The pod is then assumed on that node, so the next
/// pod sees its requests before the informer does, and bound through the binding subresource. A pod
/// that fits nowhere gets PodScheduled=False with Kubernetes' message and waits until a node or a
/// bound pod changes, or <see cref="SchedulerOptions.UnschedulableRetryInterval"/> passes.
/// </summary>
public sealed partial class Scheduler : IReconciler
{
    public const string DefaultSchedulerName = "default-scheduler";

    /// <summary>Why a pod waits when there are no nodes at all.</summary>
    public const string NoNodesAvailableMessage = "no nodes available to schedule pods";

    private readonly ControllerContext _context;
    private readonly SchedulerOptions _options;
    private readonly IReadOnlyList<IFilterPlugin> _filters;
    private readonly IReadOnlyList<IScorePlugin> _scores;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly ConcurrentDictionary<NamespacedName, Pod> _assumed = new();
    private readonly ConcurrentDictionary<NamespacedName, byte> _unschedulable = new();
    private readonly ILogger _logger;

    public Scheduler(ControllerContext context, SchedulerOptions? options = null, IEnumerable<IFilterPlugin>? filters = null, IEnumerable<IScorePlugin>? scores = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _options = options ?? new();
        _filters = filters?.ToArray() ?? [new NodeUnschedulableFilter(), new NodeNameFilter(), new TaintTolerationFilter(), new NodeAffinityFilter(), new NodeResourcesFitFilter()];
        _scores = scores?.ToArray() ?? [new LeastAllocatedScore()];
        _logger = context.LoggerFactory.CreateLogger<Scheduler>();
        _pods = context.Informers.For<Pod>();
        _pods.Cache.AddPodsByNode();
        _nodes = context.Informers.For<Node>();
        _pods.AddEventHandler(new InformerHandler<Pod>
        {
            OnAdd = OnPod,
            OnUpdate = (old, pod) =>
            {
                OnPod(pod);
                if (!string.IsNullOrEmpty(pod.Spec.NodeName) && IsTerminal(pod) && !IsTerminal(old))
                {
                    RetryUnschedulable();
                }
            },
            OnDelete = pod =>
            {
                _assumed.TryRemove(pod.Key, out _);
                _unschedulable.TryRemove(pod.Key, out _);
                if (!string.IsNullOrEmpty(pod.Spec.NodeName))
                {
                    RetryUnschedulable();
                }
            },
        });
        _nodes.AddEventHandler(new InformerHandler<Node>
        {
            OnAdd = _ => RetryUnschedulable(),
            OnUpdate = (old, node) =>
            {
                if (SchedulingRelevantChange(old, node))
                {
                    RetryUnschedulable();
                }
            },
        });
    }

    /// <summary>The pods tried and found to fit nowhere, waiting for a change.</summary>
    public IReadOnlyCollection<NamespacedName> Unschedulable => [.. _unschedulable.Keys];

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var pod = _pods.Cache.Get(key);
        if (pod is null || !NeedsScheduling(pod))
        {
            _unschedulable.TryRemove(key, out _);
            return ReconcileResult.Done;
        }

        if (_assumed.ContainsKey(key))
        {
            return ReconcileResult.Done;
        }

        var request = ResourceRequest.Of(pod);
        var nodes = NodeInfos();
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        NodeInfo? best = null;
        var bestScore = long.MinValue;
        foreach (var node in nodes)
        {
            var rejected = Filter(pod, request, node);
            if (rejected.Count > 0)
            {
                foreach (var reason in rejected)
                {
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                }

                continue;
            }

            var score = _scores.Sum(s => s.Score(pod, node));
            if (score > bestScore)
            {
                best = node;
                bestScore = score;
            }
        }

        if (best is null)
        {
            var message = UnschedulableMessage(nodes.Count, reasons);
            _unschedulable[key] = 0;
            Log.Unschedulable(_logger, key, message);
            await MarkUnschedulableAsync(pod, message, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.After(_options.UnschedulableRetryInterval);
        }

        _unschedulable.TryRemove(key, out _);
        _assumed[key] = pod with { Spec = pod.Spec with { NodeName = best.Name } };
        try
        {
            await _context.Client.BindAsync(key, pod.Metadata.Uid ?? string.Empty, best.Name, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _assumed.TryRemove(key, out _);
            throw;
        }

        Log.Bound(_logger, key, best.Name, bestScore);
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Kubernetes' FitError message: <c>0/N nodes are available: </c>, then each reason with the
    /// number of nodes it rejected, sorted as strings and joined with ", ", then "."; with no nodes
    /// at all, kube-scheduler's ErrNoNodesAvailable.
    /// </summary>
    public static string UnschedulableMessage(int nodeCount, IReadOnlyDictionary<string, int> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        if (nodeCount == 0)
        {
            return NoNodesAvailableMessage;
        }

        var histogram = reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value} {r.Key}")).Order(StringComparer.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"0/{nodeCount} nodes are available: {string.Join(", ", histogram)}.");
    }

    private IReadOnlyList<string> Filter(Pod pod, ResourceRequest request, NodeInfo node)
    {
        foreach (var filter in _filters)
        {
            var reasons = filter.Filter(pod, request, node);
            if (reasons.Count > 0)
            {
                return reasons;
            }
        }

        return [];
    }

    private List<NodeInfo> NodeInfos()
    {
        var assumedByNode = _assumed.Values.ToLookup(p => p.Spec.NodeName!);
        return [.. _nodes.Cache.List()
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .Select(node =>
            {
                var bound = _pods.Cache.ByIndex(CommonIndexes.PodsByNode, node.Name).Where(p => !IsTerminal(p));
                var assumed = assumedByNode[node.Name].Where(a => _pods.Cache.Get(a.Key) is not { Spec.NodeName.Length: > 0 });
                return new NodeInfo(node, bound.Concat(assumed));
            })];
    }

    private async Task MarkUnschedulableAsync(Pod pod, string message, CancellationToken cancellationToken)
    {
        var current = Conditions.Find(pod.Status.Conditions, PodConditionType.PodScheduled);
        if (current is { Status: ConditionStatus.False, Reason: "Unschedulable" } && current.Message == message)
        {
            return;
        }

        var condition = new Condition
        {
            Type = PodConditionType.PodScheduled,
            Status = ConditionStatus.False,
            Reason = "Unschedulable",
            Message = message,
            LastTransitionTime = _context.Time.GetUtcNow(),
        };
        await _context.Client.UpdateStatusRetryingAsync(
            pod,
            p => p with { Status = p.Status with { Conditions = Conditions.Set(p.Status.Conditions, condition) } },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private void OnPod(Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            _assumed.TryRemove(pod.Key, out _);
            _unschedulable.TryRemove(pod.Key, out _);
            return;
        }

        if (NeedsScheduling(pod) && !_unschedulable.ContainsKey(pod.Key))
        {
            _context.Queue.Add(pod.Key);
        }
    }

    private bool NeedsScheduling(Pod pod) =>
        string.IsNullOrEmpty(pod.Spec.NodeName)
        && pod.Metadata.DeletionTimestamp is null
        && !IsTerminal(pod)
        && pod.Spec.SchedulingGates.Count == 0
        && (string.IsNullOrEmpty(pod.Spec.SchedulerName) || pod.Spec.SchedulerName == _options.SchedulerName);

    private void RetryUnschedulable()
    {
        foreach (var key in _unschedulable.Keys)
        {
            _context.Queue.Add(key);
        }
    }

    private static bool IsTerminal(Pod pod) => pod.Status.Phase is PodPhase.Succeeded or PodPhase.Failed;

    private static bool SchedulingRelevantChange(Node old, Node node) =>
        old.Spec.Unschedulable != node.Spec.Unschedulable
        || !Serialization.KubeJson.SemanticEquals(old.Spec, node.Spec)
        || !old.Metadata.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(node.Metadata.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        || !old.Status.Allocatable.OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(node.Status.Allocatable.OrderBy(l => l.Key, StringComparer.Ordinal));

    private static partial class Log
    {
        [LoggerMessage(EventId = 8201, Level = LogLevel.Debug, Message = "Bound pod {Pod} to node {Node} (score {Score})")]
        public static partial void Bound(ILogger logger, NamespacedName pod, string node, long score);

        [LoggerMessage(EventId = 8202, Level = LogLevel.Information, Message = "Pod {Pod} is unschedulable: {Message}")]
        public static partial void Unschedulable(ILogger logger, NamespacedName pod, string message);
    }
}
