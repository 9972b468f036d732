using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Server;

/// <summary>
/// A pod's quality-of-service class, by Kubernetes' rule over cpu and memory: BestEffort when no
/// container requests or limits either, Guaranteed when every container limits both and requests
/// what it limits (or requests nothing, which defaults to the limits), else Burstable.
/// </summary>
internal static class PodQos
{
    public const string Guaranteed = "Guaranteed";
    public const string Burstable = "Burstable";
    public const string BestEffort = "BestEffort";

    private static readonly string[] Tracked = [ResourceNames.Cpu, ResourceNames.Memory];

    public static string Of(Pod pod)
    {
        var containers = pod.Spec.InitContainers.Concat(pod.Spec.Containers).ToList();
        var any = false;
        var guaranteed = true;
        foreach (var container in containers)
        {
            var requests = container.Resources.Requests;
            var limits = container.Resources.Limits;
            foreach (var resource in Tracked)
            {
                var hasRequest = requests.TryGetValue(resource, out var request) && !request.IsZero;
                var hasLimit = limits.TryGetValue(resource, out var limit) && !limit.IsZero;
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
