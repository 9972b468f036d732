using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server;

/// <summary>Options of a delete, as Kubernetes' <c>DeleteOptions</c>.</summary>
public sealed record DeleteOptions
{
    public static DeleteOptions Default { get; } = new();

    /// <summary>Null: keep what earlier deletes chose, else <see cref="PropagationPolicy.Background"/>.</summary>
    public PropagationPolicy? PropagationPolicy { get; init; }

    /// <summary>
    /// For pods: how long the node has to stop it before it is removed (default: the pod's
    /// terminationGracePeriodSeconds, else 30); 0 removes it now. Other kinds are removed at once.
    /// </summary>
    public long? GracePeriodSeconds { get; init; }

    /// <summary>The uid and resourceVersion the object must still have; otherwise Conflict.</summary>
    public Preconditions? Preconditions { get; init; }

    public bool DryRun { get; init; }
}
