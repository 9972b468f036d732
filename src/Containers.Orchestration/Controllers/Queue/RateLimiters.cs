namespace Containers.Orchestration.Controllers.Queue;

/// <summary>The rate limiters controllers use.</summary>
public static class RateLimiters
{
    /// <summary>Per-item backoff from 5 ms doubling to 1000 s.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);

    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1000);

    /// <summary>
    /// client-go's DefaultControllerRateLimiter: the longer of a per-item exponential backoff (5 ms
    /// to 1000 s) and an overall bucket of 100 retries refilled at 10 per second.
    /// </summary>
    public static IRateLimiter<T> DefaultController<T>(TimeProvider? timeProvider = null)
        where T : notnull =>
        new MaxOfRateLimiter<T>(
            new ExponentialFailureRateLimiter<T>(DefaultBaseDelay, DefaultMaxDelay),
            new TokenBucketRateLimiter<T>(10, 100, timeProvider));
}
