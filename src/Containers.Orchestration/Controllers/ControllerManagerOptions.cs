namespace Containers.Orchestration.Controllers;

/// <summary>Settings of a <see cref="ControllerManager"/>.</summary>
public sealed class ControllerManagerOptions
{
    /// <summary>The name leader election runs under; one manager per name acts.</summary>
    public string LeaderElectionName { get; set; } = "controller-manager";
}
