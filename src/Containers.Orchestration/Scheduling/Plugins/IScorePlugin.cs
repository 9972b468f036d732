using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Scheduling.Plugins;

/// <summary>Ranks the nodes that passed the filters, 0 to <see cref="MaxScore"/> (the framework's Score extension point).</summary>
public interface IScorePlugin
{
    /// <summary>The best score (kube's MaxNodeScore).</summary>
    const long MaxScore = 100;

    string Name { get; }

    long Score(Pod pod, NodeInfo node);
}
