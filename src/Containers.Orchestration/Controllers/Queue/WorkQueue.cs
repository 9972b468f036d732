namespace Containers.Orchestration.Controllers.Queue;

/// <summary>
/// A controller's queue of keys to reconcile, with client-go's workqueue guarantees: an item added
/// many times before a worker takes it is handed out once (dedupe); an item is never handed to two
/// workers at once (one added while it is processed waits in the dirty set and comes back after
/// <see cref="Done"/>); items come out in the order they were first added. Delayed adds
/// (<see cref="AddAfter"/>) and rate-limited requeues (<see cref="AddRateLimited"/>) wait on the
/// <see cref="TimeProvider"/>, so tests drive them in virtual time.
/// </summary>
/// <typeparam name="T">The item, usually a <see cref="Api.NamespacedName"/>; compared with its default equality.</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A work queue is what controllers call it (client-go workqueue).")]
public sealed class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly LinkedList<TaskCompletionSource<(T Item, bool ShuttingDown)>> _waiters = new();
    private readonly PriorityQueue<T, DateTimeOffset> _delayed = new();
    private readonly Dictionary<T, DateTimeOffset> _delayedUntil = [];
    private readonly TimeProvider _time;
    private readonly IRateLimiter<T> _rateLimiter;
    private readonly ITimer _timer;
    private TaskCompletionSource? _drained;
    private bool _shuttingDown;

    /// <param name="timeProvider">The clock of delayed adds.</param>
    /// <param name="rateLimiter">How long <see cref="AddRateLimited"/> waits; <see cref="RateLimiters.DefaultController{T}"/> when null.</param>
    public WorkQueue(TimeProvider? timeProvider = null, IRateLimiter<T>? rateLimiter = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _rateLimiter = rateLimiter ?? RateLimiters.DefaultController<T>(_time);
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Items waiting to be handed out (not those being processed or delayed).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>True when nothing waits to be handed out and nothing is being processed (delayed items may still wait for their time).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count == 0 && _processing.Count == 0;
            }
        }
    }

    /// <summary>Items waiting for their delay to pass.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_lock)
            {
                return _delayedUntil.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Queues <paramref name="item"/> unless it already waits; an item being processed comes back once it is done.</summary>
    public void Add(T item)
    {
        lock (_lock)
        {
            AddLocked(item);
        }
    }

    /// <summary>Queues <paramref name="item"/> after <paramref name="delay"/>; an earlier pending time for the same item wins.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            if (delay <= TimeSpan.Zero)
            {
                AddLocked(item);
                return;
            }

            var at = _time.GetUtcNow() + delay;
            if (_delayedUntil.TryGetValue(item, out var pending) && pending <= at)
            {
                return;
            }

            _delayedUntil[item] = at;
            _delayed.Enqueue(item, at);
            ArmLocked();
        }
    }

    /// <summary>Queues <paramref name="item"/> after the rate limiter's delay: its per-item backoff, or the overall budget.</summary>
    public void AddRateLimited(T item) => AddAfter(item, _rateLimiter.When(item));

    /// <summary>Ends <paramref name="item"/>'s backoff: it succeeded, or will not be retried.</summary>
    public void Forget(T item) => _rateLimiter.Forget(item);

    /// <summary>How many times <paramref name="item"/> was requeued with <see cref="AddRateLimited"/> since it was last forgotten.</summary>
    public int NumRequeues(T item) => _rateLimiter.NumRequeues(item);

    /// <summary>
    /// The next item, which the caller must pass to <see cref="Done"/> when finished; waits for one.
    /// <c>ShuttingDown</c> is true (and the item meaningless) once the queue is shut down and empty.
    /// </summary>
    public ValueTask<(T Item, bool ShuttingDown)> GetAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<(T Item, bool ShuttingDown)> waiter;
        LinkedListNode<TaskCompletionSource<(T Item, bool ShuttingDown)>> node;
        lock (_lock)
        {
            if (_queue.TryDequeue(out var item))
            {
                StartLocked(item);
                return ValueTask.FromResult((item, false));
            }

            if (_shuttingDown)
            {
                return ValueTask.FromResult((default(T)!, true));
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_lock)
                {
                    // Only a waiter still in the list has not been handed an item.
                    if (node.List is not null)
                    {
                        _waiters.Remove(node);
                        waiter.TrySetCanceled(cancellationToken);
                    }
                }
            });
            _ = waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return new ValueTask<(T Item, bool ShuttingDown)>(waiter.Task);
    }

    /// <summary>Marks <paramref name="item"/> processed; if it was added again meanwhile, it is queued now.</summary>
    public void Done(T item)
    {
        lock (_lock)
        {
            _processing.Remove(item);
            if (_dirty.Contains(item))
            {
                HandOutLocked(item);
            }

            if (_processing.Count == 0 && _drained is { } drained)
            {
                drained.TrySetResult();
            }
        }
    }

    /// <summary>Stops taking items; waiting and later <see cref="GetAsync"/> calls return what is queued, then ShuttingDown.</summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<(T, bool)>> waiters;
        lock (_lock)
        {
            _shuttingDown = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _delayed.Clear();
            _delayedUntil.Clear();
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult((default!, true));
        }
    }

    /// <summary>Shuts down and waits until every item handed out is <see cref="Done"/>.</summary>
    public Task ShutDownWithDrainAsync()
    {
        ShutDown();
        lock (_lock)
        {
            if (_processing.Count == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
    }

    private void AddLocked(T item)
    {
        if (_shuttingDown || !_dirty.Add(item) || _processing.Contains(item))
        {
            return;
        }

        HandOutLocked(item);
    }

    /// <summary>Gives a dirty item to the first waiting worker, or queues it.</summary>
    private void HandOutLocked(T item)
    {
        if (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            StartLocked(item);
            first.Value.TrySetResult((item, false));
            return;
        }

        _queue.Enqueue(item);
    }

    private void StartLocked(T item)
    {
        _processing.Add(item);
        _dirty.Remove(item);
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            while (_delayed.TryPeek(out var item, out var at) && at <= now)
            {
                _delayed.Dequeue();
                if (_delayedUntil.TryGetValue(item, out var current) && current == at)
                {
                    _delayedUntil.Remove(item);
                    AddLocked(item);
                }
            }

            ArmLocked();
        }
    }

    private void ArmLocked()
    {
        // Entries superseded by an earlier time stay in the heap until they surface; skip them.
        while (_delayed.TryPeek(out var item, out var at) && (!_delayedUntil.TryGetValue(item, out var current) || current != at))
        {
            _delayed.Dequeue();
        }

        if (_delayed.TryPeek(out _, out var next))
        {
            var due = next - _time.GetUtcNow();
            _timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }
}
