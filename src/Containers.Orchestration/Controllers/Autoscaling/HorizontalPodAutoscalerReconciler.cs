using System.Globalization;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Queue;
using Containers.Orchestration.Serialization;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>
/// Kubernetes' HorizontalPodAutoscaler controller (autoscaling/v2), every sync period (15 s): reads
/// the target's scale and its pods' usage from the <see cref="IMetricsSource"/>, proposes a replica
/// count per metric with the documented formula and tolerance, takes the largest proposal,
/// stabilizes and limits it (<see cref="ScaleNormalizer"/>), sets the target's replicas, and
/// reports currentReplicas, desiredReplicas, currentMetrics and the AbleToScale, ScalingActive and
/// ScalingLimited conditions. Resource and ContainerResource metrics are supported (Utilization or
/// AverageValue); Pods, Object and External metrics need a custom metrics source, which is not here yet.
/// </summary>
internal sealed partial class HorizontalPodAutoscalerReconciler : IReconciler
{
    private const string Utilization = "Utilization";
    private const string AverageValue = "AverageValue";

    private readonly IApiClient _client;
    private readonly TimeProvider _time;
    private readonly IMetricsSource _metrics;
    private readonly HorizontalPodAutoscalerOptions _options;
    private readonly Informer<Pod> _pods;
    private readonly WorkQueue<NamespacedName> _queue;
    private readonly ReplicaCalculator _calculator;
    private readonly ScaleNormalizer _normalizer;
    private readonly ILogger _logger;

    public HorizontalPodAutoscalerReconciler(ControllerContext context, IMetricsSource metrics, HorizontalPodAutoscalerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        _client = context.Client;
        _time = context.Time;
        _queue = context.Queue;
        _metrics = metrics;
        _options = options ?? new();
        _calculator = new ReplicaCalculator(_options);
        _normalizer = new ScaleNormalizer(_options);
        _logger = context.LoggerFactory.CreateLogger<HorizontalPodAutoscalerReconciler>();
        _pods = context.Informers.For<Pod>();

        // Status writes come back as updates; only a new spec is worth acting on before the next sync.
        context.Informers.For<HorizontalPodAutoscaler>().AddEventHandler(new InformerHandler<HorizontalPodAutoscaler>
        {
            OnAdd = hpa => _queue.Add(hpa.Key),
            OnUpdate = (old, now) =>
            {
                if (old.Metadata.Generation != now.Metadata.Generation)
                {
                    _queue.Add(now.Key);
                }
            },
            OnDelete = hpa => _normalizer.Forget(hpa.Key),
        });
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var hpa = await _client.GetAsync<HorizontalPodAutoscaler>(key, cancellationToken).ConfigureAwait(false);
        if (hpa is null)
        {
            _normalizer.Forget(key);
            return ReconcileResult.Done;
        }

        if (hpa.Metadata.DeletionTimestamp is null)
        {
            await ReconcileAsync(hpa, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.After(_options.SyncPeriod);
    }

    private async Task ReconcileAsync(HorizontalPodAutoscaler hpa, CancellationToken cancellationToken)
    {
        var key = hpa.Key;
        var now = _time.GetUtcNow();
        var spec = hpa.Spec;
        var status = new StatusBuilder(hpa.Status, now);
        ScaleTarget target;
        try
        {
            target = await ScaleTarget.GetAsync(_client, hpa.Namespace, spec.ScaleTargetRef, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException e)
        {
            status.Set(HpaConditionType.AbleToScale, false, "FailedGetScale", $"the HPA controller was unable to get the target's current scale: {e.Message}");
            Log.FailedGetScale(_logger, key, e.Message);
            await WriteStatusAsync(hpa, status.Build(hpa.Status.CurrentReplicas, hpa.Status.DesiredReplicas, hpa.Status.CurrentMetrics, rescaled: false, hpa.Metadata.Generation), cancellationToken).ConfigureAwait(false);
            return;
        }

        status.Set(HpaConditionType.AbleToScale, true, "SucceededGetScale", "the HPA controller was able to get the target's current scale");
        var current = target.Replicas;
        _normalizer.RecordInitial(key, current, now);
        var min = spec.MinReplicas ?? 1;
        var desired = 0;
        var rescale = true;
        var reason = string.Empty;
        IReadOnlyList<MetricStatus> metrics = [];
        if (current == 0 && min != 0)
        {
            rescale = false;
            status.Set(HpaConditionType.ScalingActive, false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
        }
        else if (current > spec.MaxReplicas)
        {
            reason = "Current number of replicas above Spec.MaxReplicas";
            desired = spec.MaxReplicas;
        }
        else if (current < min)
        {
            reason = "Current number of replicas below Spec.MinReplicas";
            desired = min;
        }
        else
        {
            var proposal = await ComputeReplicasForMetricsAsync(hpa, target, current, status, now, cancellationToken).ConfigureAwait(false);
            metrics = proposal.Statuses;
            if (proposal.Replicas < 0)
            {
                await WriteStatusAsync(hpa, status.Build(current, hpa.Status.DesiredReplicas, metrics, rescaled: false, hpa.Metadata.Generation), cancellationToken).ConfigureAwait(false);
                return;
            }

            desired = proposal.Replicas;
            reason = desired > current ? $"{proposal.Metric} above target" : desired < current ? "All metrics below target" : string.Empty;
            var normalized = _normalizer.Normalize(key, spec.Behavior, current, desired, min, spec.MaxReplicas, now);
            status.Set(HpaConditionType.AbleToScale, true, normalized.AbleReason, normalized.AbleMessage);
            status.Set(HpaConditionType.ScalingLimited, normalized.Limited, normalized.LimitedReason, normalized.LimitedMessage);
            desired = normalized.Replicas;
            rescale = desired != current;
        }

        if (rescale)
        {
            try
            {
                await target.UpdateAsync(_client, desired, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NotFoundException or ConflictException or InvalidArgumentException)
            {
                status.Set(HpaConditionType.AbleToScale, false, "FailedUpdateScale", $"the HPA controller was unable to update the target scale: {e.Message}");
                Log.FailedRescale(_logger, key, desired, reason, e.Message);
                await WriteStatusAsync(hpa, status.Build(current, hpa.Status.DesiredReplicas, metrics, rescaled: false, hpa.Metadata.Generation), cancellationToken).ConfigureAwait(false);
                return;
            }

            status.Set(HpaConditionType.AbleToScale, true, "SucceededRescale", $"the HPA controller was able to update the target scale to {desired}");
            Log.SuccessfulRescale(_logger, key, desired, reason);
            _normalizer.RecordScale(key, spec.Behavior, current, desired, now);
        }
        else
        {
            desired = current;
        }

        await WriteStatusAsync(hpa, status.Build(current, desired, metrics, rescale, hpa.Metadata.Generation), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The largest count any metric proposes, with the metrics' current values. When every metric
    /// fails, or some fail and the rest would scale down, the count is -1: nothing is scaled on partial
    /// knowledge that could remove pods.
    /// </summary>
    private async Task<(int Replicas, string Metric, IReadOnlyList<MetricStatus> Statuses)> ComputeReplicasForMetricsAsync(
        HorizontalPodAutoscaler hpa, ScaleTarget target, int current, StatusBuilder status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var specs = hpa.Spec.Metrics.Count > 0 ? hpa.Spec.Metrics : [DefaultMetric];
        if (target.Selector is not { IsEmpty: false } selector)
        {
            status.Set(HpaConditionType.ScalingActive, false, "InvalidSelector", "the HPA target's scale is missing a selector");
            return (-1, string.Empty, []);
        }

        var pods = _pods.Cache.List(hpa.Namespace, selector);
        var tolerances = Tolerances(hpa.Spec.Behavior);
        var statuses = new List<MetricStatus>();
        var best = -1;
        var bestMetric = string.Empty;
        var invalid = 0;
        (string Reason, string Message)? firstError = null;
        foreach (var metric in specs)
        {
            try
            {
                var (replicas, description, metricStatus) = await ProposeAsync(hpa, metric, current, selector, pods, tolerances, now, cancellationToken).ConfigureAwait(false);
                statuses.Add(metricStatus);
                if (replicas > best)
                {
                    (best, bestMetric) = (replicas, description);
                }
            }
            catch (MetricsUnavailableException e)
            {
                invalid++;
                statuses.Add(new MetricStatus { Type = metric.Type });
                firstError ??= (FailureReason(metric), $"the HPA was unable to compute the replica count: {e.Message}");
                Log.FailedComputeMetricsReplicas(_logger, hpa.Key, e.Message);
            }
        }

        if (invalid == specs.Count || (invalid > 0 && best < current))
        {
            var (reason, message) = firstError!.Value;
            status.Set(HpaConditionType.ScalingActive, false, reason, invalid == specs.Count ? message : $"{message} ({invalid} invalid out of {specs.Count})");
            return (-1, string.Empty, statuses);
        }

        status.Set(HpaConditionType.ScalingActive, true, "ValidMetricFound", $"the HPA was able to successfully calculate a replica count from {bestMetric}");
        return (best, bestMetric, statuses);
    }

    private async Task<(int Replicas, string Description, MetricStatus Status)> ProposeAsync(
        HorizontalPodAutoscaler hpa, MetricSpec metric, int current, LabelSelector selector, IReadOnlyList<Pod> pods, Tolerances tolerances, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (name, container, target) = metric.Type switch
        {
            "Resource" when metric.Resource is { } r => (r.Name, (string?)null, r.Target),
            "ContainerResource" when metric.ContainerResource is { } c => (c.Name, c.Container, c.Target),
            _ => throw new MetricsUnavailableException($"metric type {metric.Type} is not supported: only Resource and ContainerResource metrics come from the metrics source"),
        };
        var samples = await _metrics.GetResourceMetricsAsync(hpa.Namespace ?? string.Empty, selector, name, container, cancellationToken).ConfigureAwait(false);
        MetricValueStatus value;
        int replicas;
        string description;
        if (target.Type == Utilization && target.AverageUtilization is { } utilization)
        {
            var result = _calculator.ResourceReplicas(current, utilization, name, container, pods, samples, tolerances, now);
            replicas = result.Replicas;
            value = new MetricValueStatus { AverageUtilization = result.Utilization, AverageValue = Quantity.FromMilli(result.RawAverageMilli) };
            description = $"{name} {Source(container)} utilization (percentage of request)";
        }
        else if (target.Type == AverageValue && target.AverageValue is { } average)
        {
            var result = _calculator.AverageValueReplicas(current, average.MilliValue, name, pods, samples, tolerances, now);
            replicas = result.Replicas;
            value = new MetricValueStatus { AverageValue = Quantity.FromMilli(result.AverageMilli) };
            description = $"{name} {Source(container)}";
        }
        else
        {
            throw new MetricsUnavailableException($"invalid {metric.Type} metric target: give type Utilization with averageUtilization, or AverageValue with averageValue");
        }

        var status = container is null
            ? new MetricStatus { Type = metric.Type, Resource = new ResourceMetricStatus { Name = name, Current = value } }
            : new MetricStatus { Type = metric.Type, ContainerResource = new ContainerResourceMetricStatus { Name = name, Container = container, Current = value } };
        return (replicas, description, status);
    }

    private static MetricSpec DefaultMetric { get; } = new()
    {
        Type = "Resource",
        Resource = new ResourceMetricSource { Name = ResourceNames.Cpu, Target = new MetricTarget { Type = Utilization, AverageUtilization = 80 } },
    };

    private static string Source(string? container) => container is null ? "resource" : $"container resource ({container})";

    private static string FailureReason(MetricSpec metric) => metric.Type switch
    {
        "Resource" => "FailedGetResourceMetric",
        "ContainerResource" => "FailedGetContainerResourceMetric",
        "Pods" => "FailedGetPodsMetric",
        "Object" => "FailedGetObjectMetric",
        "External" => "FailedGetExternalMetric",
        _ => "InvalidMetricSourceType",
    };

    private Tolerances Tolerances(HorizontalPodAutoscalerBehavior? behavior) => new(
        behavior?.ScaleDown?.Tolerance is { } down ? (double)down.Amount : _options.Tolerance,
        behavior?.ScaleUp?.Tolerance is { } up ? (double)up.Amount : _options.Tolerance);

    private async Task WriteStatusAsync(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status, CancellationToken cancellationToken)
    {
        if (!KubeJson.SemanticEquals(hpa with { Status = status }, hpa))
        {
            await _client.UpdateStatusRetryingAsync(hpa, h => h with { Status = status }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The autoscaler's status being rebuilt during one sync.</summary>
    private sealed class StatusBuilder(HorizontalPodAutoscalerStatus original, DateTimeOffset now)
    {
        private IReadOnlyList<Condition> _conditions = original.Conditions;

        public void Set(string type, bool value, string reason, string message) =>
            _conditions = Conditions.Set(_conditions, new Condition
            {
                Type = type,
                Status = value ? ConditionStatus.True : ConditionStatus.False,
                Reason = reason,
                Message = message,
                LastTransitionTime = now,
            });

        public HorizontalPodAutoscalerStatus Build(int? current, int desired, IReadOnlyList<MetricStatus> metrics, bool rescaled, long? generation) => original with
        {
            ObservedGeneration = generation,
            CurrentReplicas = current,
            DesiredReplicas = desired,
            CurrentMetrics = metrics,
            LastScaleTime = rescaled ? now : original.LastScaleTime,
            Conditions = _conditions,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8600, Level = LogLevel.Information, Message = "HorizontalPodAutoscaler {Hpa} SuccessfulRescale: New size: {Replicas}; reason: {Reason}")]
        public static partial void SuccessfulRescale(ILogger logger, NamespacedName hpa, int replicas, string reason);

        [LoggerMessage(EventId = 8601, Level = LogLevel.Warning, Message = "HorizontalPodAutoscaler {Hpa} FailedRescale: New size: {Replicas}; reason: {Reason}; error: {Error}")]
        public static partial void FailedRescale(ILogger logger, NamespacedName hpa, int replicas, string reason, string error);

        [LoggerMessage(EventId = 8602, Level = LogLevel.Warning, Message = "HorizontalPodAutoscaler {Hpa} FailedGetScale: {Error}")]
        public static partial void FailedGetScale(ILogger logger, NamespacedName hpa, string error);

        [LoggerMessage(EventId = 8603, Level = LogLevel.Warning, Message = "HorizontalPodAutoscaler {Hpa} FailedComputeMetricsReplicas: {Error}")]
        public static partial void FailedComputeMetricsReplicas(ILogger logger, NamespacedName hpa, string error);
    }
}
