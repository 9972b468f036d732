using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Nodes;

/// <summary>Settings of a <see cref="NodeAgent"/>: the node it registers and how often it reports.</summary>
public sealed class NodeAgentOptions
{
    /// <summary>The Node object's name.</summary>
    public string NodeName { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>What the node offers; by default 4 CPUs, 8 GiB and 110 pods, as a small kubelet node.</summary>
    public IReadOnlyDictionary<string, Quantity> Capacity { get; set; } = new Dictionary<string, Quantity>(StringComparer.Ordinal)
    {
        [ResourceNames.Cpu] = Quantity.Parse("4"),
        [ResourceNames.Memory] = Quantity.Parse("8Gi"),
        [ResourceNames.Pods] = Quantity.Parse("110"),
    };

    /// <summary>What pods may request; <see cref="Capacity"/> when null.</summary>
    public IReadOnlyDictionary<string, Quantity>? Allocatable { get; set; }

    /// <summary>Labels the node registers with, besides kubernetes.io/hostname, os and arch.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();

    /// <summary>Taints the node registers with (<c>--register-with-taints</c>).</summary>
    public IReadOnlyList<Taint> Taints { get; set; } = [];

    /// <summary>The node's InternalIP, reported in status.addresses and as each pod's hostIP.</summary>
    public string? InternalIp { get; set; }

    /// <summary>How often the node's status (its heartbeat) is written: 10 s, as the kubelet's nodeStatusUpdateFrequency.</summary>
    public TimeSpan StatusUpdateFrequency { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before restarting a crashed container; doubles up to <see cref="MaxRestartBackoff"/> (10 s to 300 s, as the kubelet).</summary>
    public TimeSpan RestartBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRestartBackoff { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Pods synced at once.</summary>
    public int Workers { get; set; } = 4;
}
