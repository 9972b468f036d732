namespace Containers.Orchestration.Controllers;

/// <summary>What a reconcile asks of its queue afterwards.</summary>
/// <param name="Requeue">Come back after the queue's rate-limited backoff.</param>
/// <param name="RequeueAfter">Come back after this long (and forget the backoff); wins over <paramref name="Requeue"/>.</param>
public readonly record struct ReconcileResult(bool Requeue = false, TimeSpan? RequeueAfter = null)
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Come back with the rate-limited backoff, as after a failure.</summary>
    public static ReconcileResult Retry => new(Requeue: true);

    /// <summary>Come back after <paramref name="delay"/>, such as when a deadline or minReadySeconds runs out.</summary>
    public static ReconcileResult After(TimeSpan delay) => new(RequeueAfter: delay);

    /// <summary>The earlier of two requests to come back (Done when neither asks).</summary>
    public ReconcileResult Min(ReconcileResult other)
    {
        var after = (RequeueAfter, other.RequeueAfter) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => (TimeSpan?)null,
        };
        return new(Requeue || other.Requeue, after);
    }
}
