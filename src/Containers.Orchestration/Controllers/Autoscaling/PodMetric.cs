using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Autoscaling;

/// <summary>One pod's usage of a resource, averaged over <paramref name="Window"/> up to <paramref name="Timestamp"/>.</summary>
/// <param name="Value">Cores for cpu, bytes for memory.</param>
/// <param name="Timestamp">When the sample's window ended.</param>
/// <param name="Window">How long the sample averages over.</param>
public readonly record struct PodMetric(Quantity Value, DateTimeOffset Timestamp, TimeSpan Window);
