using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>
/// Where the autoscaler reads pods' resource usage (Kubernetes' resource metrics API, which
/// metrics-server serves from the kubelets). Real container statistics plug in here; tests use a fake.
/// </summary>
public interface IMetricsSource
{
    /// <summary>
    /// The current usage of <paramref name="resource"/> (<c>cpu</c> in cores, <c>memory</c> in bytes)
    /// by each pod in <paramref name="namespace"/> that <paramref name="selector"/> matches, by pod
    /// name: all its containers together, or only <paramref name="container"/> when given. A pod with
    /// no sample yet is left out.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, PodMetric>> GetResourceMetricsAsync(string @namespace, LabelSelector selector, string resource, string? container, CancellationToken cancellationToken = default);
}
