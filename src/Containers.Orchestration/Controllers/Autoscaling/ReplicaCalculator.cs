using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>
/// Kubernetes' replica calculation for resource metrics:
/// <c>desiredReplicas = ceil(currentReplicas × currentMetricValue / desiredMetricValue)</c>, with no
/// change while the ratio is within the tolerance. Pods being deleted or failed are ignored; pending
/// pods and (for CPU) pods not yet ready are left out, and so are pods with no sample. When that
/// leaves the answer uncertain, the missing pods are assumed to use 100% of their request (0 on a
/// scale-up) and the unready ones 0, and the scale is kept if those assumptions would reverse the
/// direction or bring the ratio within tolerance.
/// </summary>
internal sealed class ReplicaCalculator(HorizontalPodAutoscalerOptions options)
{
    /// <summary>For a target utilization of requests (percent): the replica count, the utilization, and the raw average (milli-units).</summary>
    /// <exception cref="MetricsUnavailableException">No usable samples, or a pod lacks a request.</exception>
    public (int Replicas, int Utilization, long RawAverageMilli) ResourceReplicas(
        int currentReplicas, int targetUtilization, string resource, string? container, IReadOnlyList<Pod> pods,
        IReadOnlyDictionary<string, PodMetric> samples, Tolerances tolerances, DateTimeOffset now)
    {
        if (samples.Count == 0)
        {
            throw new MetricsUnavailableException($"unable to get metrics for resource {resource}: no metrics returned from resource metrics API");
        }

        var (readyCount, unready, missing, ignored) = GroupPods(pods, samples, resource, now);
        var metrics = Usable(samples, unready, ignored);
        if (metrics.Count == 0)
        {
            throw new MetricsUnavailableException($"did not receive metrics for targeted pods (pods might be unready)");
        }

        var requests = PodRequests(pods, container, resource);
        var (ratio, utilization, raw) = UtilizationRatio(metrics, requests, targetUtilization);
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            return (tolerances.IsWithin(ratio) ? currentReplicas : (int)Math.Ceiling(ratio * readyCount), utilization, raw);
        }

        if (missing.Count > 0)
        {
            // Scaling down, a pod with no sample counts as using its whole request (or the target,
            // when that is above 100%); scaling up, as using nothing.
            var fallback = Math.Max(100, targetUtilization);
            foreach (var name in missing)
            {
                metrics[name] = ratio < 1.0 ? requests[name] * fallback / 100 : 0;
            }
        }

        if (scaleUpWithUnready)
        {
            foreach (var name in unready)
            {
                metrics[name] = 0;
            }
        }

        var (newRatio, _, _) = UtilizationRatio(metrics, requests, targetUtilization);
        return (Conservative(currentReplicas, ratio, newRatio, metrics.Count, tolerances), utilization, raw);
    }

    /// <summary>For a target average value per pod (milli-units): the replica count and the current average.</summary>
    /// <exception cref="MetricsUnavailableException">No usable samples.</exception>
    public (int Replicas, long AverageMilli) AverageValueReplicas(
        int currentReplicas, long targetMilli, string resource, IReadOnlyList<Pod> pods,
        IReadOnlyDictionary<string, PodMetric> samples, Tolerances tolerances, DateTimeOffset now)
    {
        if (samples.Count == 0)
        {
            throw new MetricsUnavailableException($"unable to get metrics for resource {resource}: no metrics returned from resource metrics API");
        }

        var (readyCount, unready, missing, ignored) = GroupPods(pods, samples, resource, now);
        var metrics = Usable(samples, unready, ignored);
        if (metrics.Count == 0)
        {
            throw new MetricsUnavailableException($"did not receive metrics for targeted pods (pods might be unready)");
        }

        var (ratio, average) = UsageRatio(metrics, targetMilli);
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            return (tolerances.IsWithin(ratio) ? currentReplicas : (int)Math.Ceiling(ratio * readyCount), average);
        }

        foreach (var name in missing)
        {
            metrics[name] = ratio < 1.0 ? targetMilli : 0;
        }

        if (scaleUpWithUnready)
        {
            foreach (var name in unready)
            {
                metrics[name] = 0;
            }
        }

        var (newRatio, _) = UsageRatio(metrics, targetMilli);
        return (Conservative(currentReplicas, ratio, newRatio, metrics.Count, tolerances), average);
    }

    /// <summary>The count the assumptions give, unless they reverse the direction or fall within tolerance.</summary>
    private static int Conservative(int currentReplicas, double ratio, double newRatio, int podCount, Tolerances tolerances)
    {
        if (tolerances.IsWithin(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
        {
            return currentReplicas;
        }

        var replicas = (int)Math.Ceiling(newRatio * podCount);
        return (newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas) ? currentReplicas : replicas;
    }

    /// <summary>
    /// Sorts pods: ignored (being deleted, or failed), unready (pending, or for CPU not ready or
    /// still starting up), missing a sample, or ready with a sample (counted).
    /// </summary>
    private (int Ready, HashSet<string> Unready, HashSet<string> Missing, HashSet<string> Ignored) GroupPods(
        IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, PodMetric> samples, string resource, DateTimeOffset now)
    {
        var ready = 0;
        HashSet<string> unready = new(StringComparer.Ordinal), missing = new(StringComparer.Ordinal), ignored = new(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status.Phase == PodPhase.Failed)
            {
                ignored.Add(pod.Name);
                continue;
            }

            if (pod.Status.Phase == PodPhase.Pending)
            {
                unready.Add(pod.Name);
                continue;
            }

            if (!samples.TryGetValue(pod.Name, out var sample))
            {
                missing.Add(pod.Name);
                continue;
            }

            if (resource == ResourceNames.Cpu && IsUnreadyForCpu(pod, sample, now))
            {
                unready.Add(pod.Name);
                continue;
            }

            ready++;
        }

        return (ready, unready, missing, ignored);
    }

    /// <summary>
    /// A CPU sample is not trusted from a pod with no Ready condition or start time; during the
    /// initialization period, from one not ready or whose sample window began before it turned
    /// ready; after it, from one not ready that has never been ready.
    /// </summary>
    private bool IsUnreadyForCpu(Pod pod, PodMetric sample, DateTimeOffset now)
    {
        var condition = Conditions.Find(pod.Status.Conditions, PodConditionType.Ready);
        if (condition is null || pod.Status.StartTime is not { } started)
        {
            return true;
        }

        var transition = condition.LastTransitionTime ?? started;
        if (started + options.CpuInitializationPeriod > now)
        {
            return !condition.IsTrue || sample.Timestamp < transition + sample.Window;
        }

        return condition.Status == ConditionStatus.False && started + options.InitialReadinessDelay > transition;
    }

    private static Dictionary<string, long> Usable(IReadOnlyDictionary<string, PodMetric> samples, HashSet<string> unready, HashSet<string> ignored)
    {
        var metrics = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, sample) in samples)
        {
            if (!unready.Contains(name) && !ignored.Contains(name))
            {
                metrics[name] = sample.Value.MilliValue;
            }
        }

        return metrics;
    }

    /// <summary>Each pod's request for the resource in milli-units: its containers' together, or one container's.</summary>
    private static Dictionary<string, long> PodRequests(IReadOnlyList<Pod> pods, string? container, string resource)
    {
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            long total = 0;
            foreach (var c in pod.Spec.Containers)
            {
                if (container is not null && c.Name != container)
                {
                    continue;
                }

                if (!c.Resources.Requests.TryGetValue(resource, out var request))
                {
                    throw new MetricsUnavailableException($"missing request for {resource} in container {c.Name} of Pod {pod.Name}");
                }

                total += request.MilliValue;
            }

            requests[pod.Name] = total;
        }

        return requests;
    }

    private static (double Ratio, int Utilization, long RawAverage) UtilizationRatio(Dictionary<string, long> metrics, Dictionary<string, long> requests, int targetUtilization)
    {
        long used = 0, requested = 0;
        var counted = 0;
        foreach (var (name, value) in metrics)
        {
            if (requests.TryGetValue(name, out var request))
            {
                used += value;
                requested += request;
                counted++;
            }
        }

        if (counted == 0 || requested == 0)
        {
            throw new MetricsUnavailableException("no metrics returned matched known pods");
        }

        var utilization = (int)(used * 100 / requested);
        return ((double)utilization / targetUtilization, utilization, used / metrics.Count);
    }

    private static (double Ratio, long Average) UsageRatio(Dictionary<string, long> metrics, long targetMilli)
    {
        var average = metrics.Values.Sum() / metrics.Count;
        return ((double)average / targetMilli, average);
    }
}

/// <summary>How far below and above 1 the usage ratio may be before anything scales.</summary>
internal readonly record struct Tolerances(double ScaleDown, double ScaleUp)
{
    public bool IsWithin(double ratio) => 1.0 - ScaleDown <= ratio && ratio <= 1.0 + ScaleUp;
}

/// <summary>The metrics say nothing a replica count can be computed from.</summary>
internal sealed class MetricsUnavailableException(string message) : Exception(message);
