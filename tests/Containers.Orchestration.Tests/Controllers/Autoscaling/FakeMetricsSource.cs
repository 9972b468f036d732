using System.Collections.Concurrent;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers.Autoscaling;
using Containers.Orchestration.Controllers.Client;

namespace Containers.Orchestration.Tests.Controllers.Autoscaling;

/// <summary>
/// Usage the test sets, served for the pods that exist: one CPU value for every pod, or one per pod
/// name; pods named in <see cref="Missing"/> have no sample yet.
/// </summary>
internal sealed class FakeMetricsSource(IApiClient client, TimeProvider time) : IMetricsSource
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public Quantity Cpu { get; set; } = Quantity.Parse("0");

    public ConcurrentDictionary<string, Quantity> PerPod { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, bool> Missing { get; } = new(StringComparer.Ordinal);

    public async ValueTask<IReadOnlyDictionary<string, PodMetric>> GetResourceMetricsAsync(string @namespace, LabelSelector selector, string resource, string? container, CancellationToken cancellationToken = default)
    {
        var pods = await client.ListAsync<Pod>(@namespace, selector, cancellationToken);
        var now = time.GetUtcNow();
        return pods
            .Where(p => !Missing.ContainsKey(p.Name) && resource == ResourceNames.Cpu)
            .ToDictionary(p => p.Name, p => new PodMetric(PerPod.GetValueOrDefault(p.Name, Cpu), now, Window), StringComparer.Ordinal);
    }
}
