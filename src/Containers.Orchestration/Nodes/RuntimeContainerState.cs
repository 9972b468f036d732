namespace Containers.Orchestration.Nodes;

/// <summary>The life of a runtime container.</summary>
public enum RuntimeContainerState
{
    Created,
    Running,
    Exited,
}
