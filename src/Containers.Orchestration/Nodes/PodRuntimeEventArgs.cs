namespace Containers.Orchestration.Nodes;

/// <summary>Which pod's sandbox changed.</summary>
public sealed class PodRuntimeEventArgs(string sandboxId, string podUid) : EventArgs
{
    public string SandboxId { get; } = sandboxId;

    public string PodUid { get; } = podUid;
}
