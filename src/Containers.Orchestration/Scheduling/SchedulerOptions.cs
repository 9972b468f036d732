namespace Containers.Orchestration.Scheduling;

/// <summary>Settings of the <see cref="Scheduler"/>.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Pods whose spec.schedulerName is this (or empty) are this scheduler's.</summary>
    public string SchedulerName { get; set; } = Scheduler.DefaultSchedulerName;

    /// <summary>
    /// The longest an unschedulable pod waits before it is tried again even if nothing changed (kube's
    /// podMaxInUnschedulablePodsDuration, 5 minutes); node and pod changes retry it sooner.
    /// </summary>
    public TimeSpan UnschedulableRetryInterval { get; set; } = TimeSpan.FromMinutes(5);
}
