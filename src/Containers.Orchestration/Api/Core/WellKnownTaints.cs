namespace Containers.Orchestration.Api.Core;

/// <summary>The taint keys the control plane puts on nodes itself (node.kubernetes.io/...).</summary>
public static class WellKnownTaints
{
    /// <summary>The node's Ready condition is False.</summary>
    public const string NotReady = "node.kubernetes.io/not-ready";

    /// <summary>The node's agent stopped reporting (Ready is Unknown).</summary>
    public const string Unreachable = "node.kubernetes.io/unreachable";

    /// <summary>The node is cordoned (spec.unschedulable).</summary>
    public const string Unschedulable = "node.kubernetes.io/unschedulable";

    public const string MemoryPressure = "node.kubernetes.io/memory-pressure";

    public const string DiskPressure = "node.kubernetes.io/disk-pressure";

    public const string PidPressure = "node.kubernetes.io/pid-pressure";

    public const string NetworkUnavailable = "node.kubernetes.io/network-unavailable";
}
