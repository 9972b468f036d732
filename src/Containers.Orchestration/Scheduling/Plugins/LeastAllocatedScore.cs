using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>
/// Favours the emptiest node (NodeResourcesFit's LeastAllocated strategy): for CPU and memory, each
/// weighted 1, <c>(allocatable − requested) × 100 / allocatable</c> with requested including this
/// pod and counting the defaults for containers that request nothing; the score is their average,
/// in integers as Kubernetes computes it. A resource the node lacks, or has too little of, scores 0.
/// </summary>
public sealed class LeastAllocatedScore : IScorePlugin
{
    public string Name => "NodeResourcesLeastAllocated";

    public long Score(Pod pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var request = ResourceRequest.Of(pod, nonZero: true);
        var requested = node.NonZeroRequested;
        var cpu = ResourceScore(node.Allocatable.MilliCpu, requested.MilliCpu + request.MilliCpu);
        var memory = ResourceScore(node.Allocatable.Memory, requested.Memory + request.Memory);
        return (cpu + memory) / 2;
    }

    /// <summary>One resource's score: the free share of it, 0 to 100.</summary>
    public static long ResourceScore(long allocatable, long requested) =>
        allocatable == 0 || requested > allocatable ? 0 : (allocatable - requested) * IScorePlugin.MaxScore / allocatable;
}
