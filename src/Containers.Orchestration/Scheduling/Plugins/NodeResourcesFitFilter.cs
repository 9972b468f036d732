using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>
/// The pod's requests must fit in what the node has left: allocatable less what the pods already
/// there request, for the pod count, CPU, memory and ephemeral storage. Every resource that falls
/// short is a reason of its own (<c>Too many pods</c>, <c>Insufficient cpu</c>...).
/// </summary>
public sealed class NodeResourcesFitFilter : IFilterPlugin
{
    public string Name => "NodeResourcesFit";

    public IReadOnlyList<string> Filter(Pod pod, ResourceRequest request, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var reasons = new List<string>();
        var allocatable = node.Allocatable;
        var used = node.Requested;
        if (used.Pods + 1 > allocatable.Pods)
        {
            reasons.Add("Too many pods");
        }

        if (request.MilliCpu > 0 && request.MilliCpu > allocatable.MilliCpu - used.MilliCpu)
        {
            reasons.Add("Insufficient " + ResourceNames.Cpu);
        }

        if (request.Memory > 0 && request.Memory > allocatable.Memory - used.Memory)
        {
            reasons.Add("Insufficient " + ResourceNames.Memory);
        }

        if (request.EphemeralStorage > 0 && request.EphemeralStorage > allocatable.EphemeralStorage - used.EphemeralStorage)
        {
            reasons.Add("Insufficient " + ResourceNames.EphemeralStorage);
        }

        return reasons;
    }
}
