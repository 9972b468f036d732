using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Server;

/// <summary>
/// A pod's quality-of-service class, by Kubernetes' rule over cpu and memory: BestEffort when no
/// container requests or limits either, Guaranteed when every container limits both and requests
/// what it limits (or requests nothing, which defaults to the limits), else Burstable. Pod-level
/// cpu or memory requests and limits, where set, decide it instead of the containers'.
/// </summary>
internal static class PodQos
{
    public const string Guaranteed = "Guaranteed";
    public const string Burstable = "Burstable";
    public const string BestEffort = "BestEffort";

    private static readonly string[] Tracked = [ResourceNames.Cpu, ResourceNames.Memory];

    public static string Of(Pod pod)
    {
        IEnumerable<ResourceRequirements> levels = pod.Spec.Resources is { } podLevel && Tracked.Any(r => podLevel.Requests.ContainsKey(r) || podLevel.Limits.ContainsKey(r))
            ? [podLevel]
            : pod.Spec.InitContainers.Concat(pod.Spec.Containers).Select(c => c.Resources);
        var any = false;
        var guaranteed = true;
        foreach (var resources in levels)
        {
            foreach (var resource in Tracked)
            {
                var hasRequest = resources.Requests.TryGetValue(resource, out var request) && !request.IsZero;
                var hasLimit = resources.Limits.TryGetValue(resource, out var limit) && !limit.IsZero;
                any |= hasRequest || hasLimit;
                if (!hasLimit || (hasRequest && request != limit))
                {
                    guaranteed = false;
                }
            }
        }

        return !any ? BestEffort : guaranteed ? Guaranteed : Burstable;
    }
}
