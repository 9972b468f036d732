namespace Containers.Orchestration.Api.Core;

/// <summary>
/// A pod's resources as Kubernetes adds them up: what its containers request together, and
/// which resources pod-level <see cref="PodSpec.Resources"/> may set.
/// </summary>
internal static class PodResources
{
    public const string HugePagesPrefix = "hugepages-";

    /// <summary>cpu, memory and hugepages-*: the resources pod-level requests and limits may name.</summary>
    public static bool IsPodLevel(string name) =>
        name is ResourceNames.Cpu or ResourceNames.Memory || name.StartsWith(HugePagesPrefix, StringComparison.Ordinal);

    /// <summary>
    /// What the containers request together, per resource: the app containers and sidecars (init
    /// containers with restartPolicy Always) run at once, so they add up; each other init container
    /// runs alone beside the sidecars started before it, so the pod needs the largest of those.
    /// </summary>
    public static Dictionary<string, Quantity> ContainerRequests(PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var total = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var sidecars = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var initPeak = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var init in spec.InitContainers)
        {
            if (init.RestartPolicy == RestartPolicy.Always)
            {
                AddTo(sidecars, init.Resources.Requests);
                Max(initPeak, sidecars);
            }
            else
            {
                var running = new Dictionary<string, Quantity>(sidecars, StringComparer.Ordinal);
                AddTo(running, init.Resources.Requests);
                Max(initPeak, running);
            }
        }

        foreach (var container in spec.Containers)
        {
            AddTo(total, container.Resources.Requests);
        }

        AddTo(total, sidecars);
        Max(total, initPeak);
        return total;
    }

    private static void AddTo(Dictionary<string, Quantity> sum, IReadOnlyDictionary<string, Quantity> add)
    {
        foreach (var (name, amount) in add)
        {
            sum[name] = sum.TryGetValue(name, out var current) ? current + amount : amount;
        }
    }

    private static void Max(Dictionary<string, Quantity> into, IReadOnlyDictionary<string, Quantity> other)
    {
        foreach (var (name, amount) in other)
        {
            if (!into.TryGetValue(name, out var current) || amount > current)
            {
                into[name] = amount;
            }
        }
    }
}
