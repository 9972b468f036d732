using Containers.Orchestration.Store;

namespace Containers.Orchestration.Controllers.Client;

/// <summary>Kubernetes' DeleteOptions: the grace period, what happens to dependents, and preconditions.</summary>
public sealed record DeleteOptions
{
    /// <summary>Seconds the object's processes get to stop; 0 deletes at once. Null: the object's own (a pod's terminationGracePeriodSeconds).</summary>
    public long? GracePeriodSeconds { get; init; }

    /// <summary>What the garbage collector does with dependents; Background when null.</summary>
    public PropagationPolicy? PropagationPolicy { get; init; }

    public Preconditions? Preconditions { get; init; }

    /// <summary>Run every check and return what the delete would do, without doing it (<c>?dryRun=All</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>Delete at once, skipping the grace period (<c>--grace-period=0 --force</c>).</summary>
    public static DeleteOptions Now { get; } = new() { GracePeriodSeconds = 0 };
}
