namespace Containers.Orchestration.Api.Core;

/// <summary>The types of a node's <see cref="NodeStatus.Conditions"/>.</summary>
public static class NodeConditionType
{
    /// <summary>True: the node is healthy and takes pods; False: it is not; Unknown: its agent stopped reporting.</summary>
    public const string Ready = "Ready";

    public const string MemoryPressure = "MemoryPressure";

    public const string DiskPressure = "DiskPressure";

    public const string PidPressure = "PIDPressure";

    public const string NetworkUnavailable = "NetworkUnavailable";
}
