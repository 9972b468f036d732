using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling;

/// <summary>
/// Resources a pod asks for, or a node holds, in the units the scheduler adds up: CPU in
/// millicores, memory and ephemeral storage in bytes, and a pod count.
/// </summary>
public readonly record struct ResourceRequest(long MilliCpu, long Memory, long EphemeralStorage, int Pods)
{
    /// <summary>What the scheduler assumes a container without a CPU request uses when scoring (kube's DefaultMilliCPURequest).</summary>
    public const long DefaultMilliCpu = 100;

    /// <summary>What the scheduler assumes a container without a memory request uses when scoring (200 MiB, kube's DefaultMemoryRequest).</summary>
    public const long DefaultMemory = 200L * 1024 * 1024;

    public static ResourceRequest operator +(ResourceRequest a, ResourceRequest b) =>
        new(a.MilliCpu + b.MilliCpu, a.Memory + b.Memory, a.EphemeralStorage + b.EphemeralStorage, a.Pods + b.Pods);

    public static ResourceRequest Add(ResourceRequest a, ResourceRequest b) => a + b;

    /// <summary>
    /// What <paramref name="pod"/> requests, as Kubernetes computes it: the sum over its containers,
    /// or the largest init container's if that is more (init containers run one at a time), plus one pod;
    /// pod-level requests of cpu or memory replace the containers' sum.
    /// With <paramref name="nonZero"/>, containers that request no CPU or memory count the defaults,
    /// as the scheduler's scoring does so that best-effort pods still spread.
    /// </summary>
    public static ResourceRequest Of(Pod pod, bool nonZero = false)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var sum = default(ResourceRequest);
        foreach (var c in pod.Spec.Containers)
        {
            sum += Of(c, nonZero);
        }

        foreach (var c in pod.Spec.InitContainers)
        {
            var init = Of(c, nonZero);
            sum = new ResourceRequest(
                Math.Max(sum.MilliCpu, init.MilliCpu),
                Math.Max(sum.Memory, init.Memory),
                Math.Max(sum.EphemeralStorage, init.EphemeralStorage),
                0);
        }

        var podLevel = pod.Spec.Resources?.Requests;
        if (podLevel is not null && podLevel.TryGetValue(ResourceNames.Cpu, out var podCpu))
        {
            sum = sum with { MilliCpu = podCpu.MilliValue };
        }

        if (podLevel is not null && podLevel.TryGetValue(ResourceNames.Memory, out var podMemory))
        {
            sum = sum with { Memory = podMemory.Value };
        }

        return sum with { Pods = 1 };
    }

    /// <summary>What a node offers pods, from its status.allocatable.</summary>
    public static ResourceRequest Allocatable(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var a = node.Status.Allocatable;
        return new ResourceRequest(
            a.TryGetValue(ResourceNames.Cpu, out var cpu) ? cpu.MilliValue : 0,
            a.TryGetValue(ResourceNames.Memory, out var memory) ? memory.Value : 0,
            a.TryGetValue(ResourceNames.EphemeralStorage, out var storage) ? storage.Value : 0,
            a.TryGetValue(ResourceNames.Pods, out var pods) ? (int)pods.Value : 0);
    }

    private static ResourceRequest Of(Container container, bool nonZero)
    {
        var requests = container.Resources.Requests;
        var cpu = requests.TryGetValue(ResourceNames.Cpu, out var c) ? c.MilliValue : (long?)null;
        var memory = requests.TryGetValue(ResourceNames.Memory, out var m) ? m.Value : (long?)null;
        var storage = requests.TryGetValue(ResourceNames.EphemeralStorage, out var s) ? s.Value : 0;
        return new ResourceRequest(
            cpu ?? (nonZero ? DefaultMilliCpu : 0),
            memory ?? (nonZero ? DefaultMemory : 0),
            storage,
            0);
    }
}
