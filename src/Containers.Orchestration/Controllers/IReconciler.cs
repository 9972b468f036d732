using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers;

/// <summary>
/// Moves the current state of one object toward its desired state. Called with a key, never an
/// event: it reads what it needs (from informer caches), acts, and says whether to come back.
/// Idempotent, since it runs again for any reason and after any failure; an exception is retried
/// with the queue's backoff. A key is never reconciled by two workers at once.
/// </summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken);
}
