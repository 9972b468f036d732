namespace Containers.Orchestration.Controllers.NodeLifecycle;

/// <summary>The node lifecycle controller's timings, kube-controller-manager's defaults.</summary>
public sealed class NodeLifecycleOptions
{
    /// <summary>How often each node's heartbeat is checked (<c>--node-monitor-period</c>, 5 s).</summary>
    public TimeSpan MonitorPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A node silent for longer is Unknown (<c>--node-monitor-grace-period</c>, 40 s).</summary>
    public TimeSpan MonitorGracePeriod { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>A new node that never reported gets this long (<c>--node-startup-grace-period</c>, 60 s).</summary>
    public TimeSpan StartupGracePeriod { get; set; } = TimeSpan.FromSeconds(60);
}
