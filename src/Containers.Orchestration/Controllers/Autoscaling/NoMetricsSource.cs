using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>
/// A metrics source with no samples: a cluster without metrics-server. The autoscaler still keeps
/// each target within its minReplicas and maxReplicas, and otherwise reports ScalingActive=False
/// (FailedGetResourceMetric: no metrics returned from resource metrics API), as Kubernetes does
/// until a metrics pipeline is installed.
/// </summary>
public sealed class NoMetricsSource : IMetricsSource
{
    public static readonly NoMetricsSource Instance = new();

    private static readonly IReadOnlyDictionary<string, PodMetric> None = new Dictionary<string, PodMetric>(StringComparer.Ordinal);

    private NoMetricsSource()
    {
    }

    public ValueTask<IReadOnlyDictionary<string, PodMetric>> GetResourceMetricsAsync(string @namespace, LabelSelector selector, string resource, string? container, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(None);
}
