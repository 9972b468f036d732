namespace Containers.Orchestration.Controllers.Queue;

/// <summary>
/// An overall budget for retries of every item: a bucket of <c>burst</c> tokens refilled at
/// <c>perSecond</c>; each retry takes one, and when none is left it waits for the next (client-go's
/// BucketRateLimiter over golang.org/x/time/rate, reservation semantics).
/// </summary>
public sealed class TokenBucketRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private readonly int _burst;
    private double _tokens;
    private DateTimeOffset _last;

    public TokenBucketRateLimiter(double perSecond, int burst, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = timeProvider ?? TimeProvider.System;
        _perSecond = perSecond;
        _burst = burst;
        _tokens = burst;
        _last = _time.GetUtcNow();
    }

    public TimeSpan When(T item)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (now > _last)
            {
                _tokens = Math.Min(_burst, _tokens + ((now - _last).TotalSeconds * _perSecond));
                _last = now;
            }

            _tokens--;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _perSecond);
        }
    }

    public void Forget(T item)
    {
    }

    public int NumRequeues(T item) => 0;
}
