namespace Containers.Orchestration.Controllers.Queue;

/// <summary>Decides how long an item waits before it is retried (client-go's RateLimiter).</summary>
public interface IRateLimiter<in T>
    where T : notnull
{
    /// <summary>The wait before <paramref name="item"/> is retried; counts as one more failure of it.</summary>
    TimeSpan When(T item);

    /// <summary>Clears <paramref name="item"/>'s failures.</summary>
    void Forget(T item);

    /// <summary>The failures counted for <paramref name="item"/> since it was last forgotten.</summary>
    int NumRequeues(T item);
}
