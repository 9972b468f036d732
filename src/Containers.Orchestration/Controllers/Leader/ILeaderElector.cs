namespace Containers.Orchestration.Controllers.Leader;

/// <summary>
/// Makes sure only one of several competing processes (or hosts in one process) acts under a name,
/// such as the controller manager or the scheduler: through an etcd lease, or an in-process lock.
/// </summary>
public interface ILeaderElector
{
    /// <summary>
    /// Waits until this caller leads under <paramref name="name"/>. Leading lasts until the returned
    /// leadership is disposed (it steps down) or its <see cref="ILeadership.Lost"/> token fires.
    /// </summary>
    Task<ILeadership> AcquireAsync(string name, CancellationToken cancellationToken);
}
