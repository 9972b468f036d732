namespace Containers.Orchestration.Controllers.Leader;

/// <summary>One term of leading. Disposing it steps down and lets the next candidate lead.</summary>
public interface ILeadership : IAsyncDisposable
{
    /// <summary>What is led, such as <c>controller-manager</c>.</summary>
    string Name { get; }

    /// <summary>Who leads: the candidate's identity.</summary>
    string Identity { get; }

    /// <summary>
    /// Fires when leading ended without this holder stepping down (a lease that could not be renewed,
    /// a revoked lock): everything done as leader must stop at once, since another may lead now.
    /// </summary>
    CancellationToken Lost { get; }
}
