namespace Containers.Orchestration.Controllers.Leader;

/// <summary>
/// Leader election by an in-process lock per name, for hosts that share one process (the embedded
/// control plane, tests): candidates asking for a name wait in order, and the next leads when the
/// holder steps down. Share one instance among the candidates.
/// </summary>
public sealed class InProcessLeaderElector : ILeaderElector
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Term> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<ILeadership>>> _waiting = new(StringComparer.Ordinal);
    private readonly string _identity;
    private long _candidates;

    /// <param name="identity">A prefix for the identities of the candidates; the process's by default.</param>
    public InProcessLeaderElector(string? identity = null)
    {
        _identity = identity ?? $"{Environment.MachineName}-{Environment.ProcessId}";
    }

    public Task<ILeadership> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<ILeadership> waiter;
        LinkedListNode<TaskCompletionSource<ILeadership>> node;
        lock (_lock)
        {
            var identity = $"{_identity}-{++_candidates}";
            if (!_held.ContainsKey(name))
            {
                var term = new Term(this, name, identity);
                _held[name] = term;
                return Task.FromResult<ILeadership>(term);
            }

            waiter = new(identity, TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiting.TryGetValue(name, out var queue))
            {
                _waiting[name] = queue = new();
            }

            node = queue.AddLast(waiter);
        }

        var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is { } list)
                {
                    list.Remove(node);
                    waiter.TrySetCanceled(cancellationToken);
                }
            }
        });
        _ = waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return waiter.Task;
    }

    /// <summary>Who leads under <paramref name="name"/> now, or null.</summary>
    public string? LeaderOf(string name)
    {
        lock (_lock)
        {
            return _held.GetValueOrDefault(name)?.Identity;
        }
    }

    /// <summary>
    /// Takes leading away from the holder of <paramref name="name"/>: its <see cref="ILeadership.Lost"/>
    /// fires and the next candidate leads, as when a lease expires. False when nobody leads.
    /// </summary>
    public bool Revoke(string name)
    {
        Term? term;
        lock (_lock)
        {
            term = _held.GetValueOrDefault(name);
        }

        if (term is null)
        {
            return false;
        }

        term.Revoke();
        return true;
    }

    private void Release(Term term)
    {
        lock (_lock)
        {
            if (!_held.TryGetValue(term.Name, out var current) || current != term)
            {
                return;
            }

            _held.Remove(term.Name);
            if (!_waiting.TryGetValue(term.Name, out var queue))
            {
                return;
            }

            while (queue.First is { } next)
            {
                queue.RemoveFirst();
                var successor = new Term(this, term.Name, (string)next.Value.Task.AsyncState!);
                _held[term.Name] = successor;
                if (next.Value.TrySetResult(successor))
                {
                    return;
                }

                _held.Remove(term.Name);
            }
        }
    }

    private sealed class Term(InProcessLeaderElector elector, string name, string identity) : ILeadership
    {
        private readonly CancellationTokenSource _lost = new();
        private int _released;

        public string Name => name;

        public string Identity => identity;

        public CancellationToken Lost => _lost.Token;

        public void Revoke()
        {
            // Lost first, so the holder stops acting before a successor starts.
            _lost.Cancel();
            ReleaseOnce();
        }

        public ValueTask DisposeAsync()
        {
            // The token source is not disposed: a late Revoke or a holder still reading Lost must not fault.
            ReleaseOnce();
            return ValueTask.CompletedTask;
        }

        private void ReleaseOnce()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                elector.Release(this);
            }
        }
    }
}
