using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>
/// Decides whether a pod may run on a node (the scheduler framework's Filter extension point). A
/// node that fails gets the reasons, as Kubernetes words them, that the unschedulable message counts.
/// </summary>
public interface IFilterPlugin
{
    string Name { get; }

    /// <summary>Why <paramref name="pod"/> cannot run on <paramref name="node"/>; empty when it can.</summary>
    IReadOnlyList<string> Filter(Pod pod, ResourceRequest request, NodeInfo node);
}
