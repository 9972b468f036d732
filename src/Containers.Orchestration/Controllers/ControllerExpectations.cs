using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers;

/// <summary>
/// What a controller is waiting to see in its caches after it acted (kube's
/// UIDTrackingControllerExpectations): after creating N pods it expects N adds, after deleting some
/// it expects those deletes, and until its informer has seen them (or the expectations expire, 5
/// minutes by default) it must not act on the cache again, or it would create or delete twice.
/// </summary>
public sealed class ControllerExpectations
{
    /// <summary>How long expectations last before they count as met anyway (kube's ExpectationsTimeout).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private static readonly HashSet<NamespacedName> Empty = [];

    private readonly Lock _lock = new();
    private readonly Dictionary<NamespacedName, Expectation> _expectations = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    public ControllerExpectations(TimeProvider? timeProvider = null, TimeSpan? timeout = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>
    /// True when the controller may act on <paramref name="controller"/>: nothing is expected, every
    /// expected add and delete was observed, or the expectations expired.
    /// </summary>
    public bool Satisfied(NamespacedName controller)
    {
        lock (_lock)
        {
            if (!_expectations.TryGetValue(controller, out var e))
            {
                return true;
            }

            return (e.Adds <= 0 && e.Deletes.Count == 0) || _time.GetUtcNow() - e.SetAt > _timeout;
        }
    }

    /// <summary>Expects <paramref name="adds"/> objects to appear, replacing any earlier expectation.</summary>
    public void ExpectCreations(NamespacedName controller, int adds)
    {
        lock (_lock)
        {
            _expectations[controller] = new Expectation(adds, [], _time.GetUtcNow());
        }
    }

    /// <summary>Expects the objects with these keys to go away, replacing any earlier expectation.</summary>
    public void ExpectDeletions(NamespacedName controller, IEnumerable<NamespacedName> deleted)
    {
        lock (_lock)
        {
            _expectations[controller] = new Expectation(0, [.. deleted], _time.GetUtcNow());
        }
    }

    /// <summary>An expected object appeared, or its create failed and will never appear.</summary>
    public void CreationObserved(NamespacedName controller)
    {
        lock (_lock)
        {
            if (_expectations.TryGetValue(controller, out var e))
            {
                _expectations[controller] = e with { Adds = e.Adds - 1 };
            }
        }
    }

    /// <summary>An object went away (or is going: it has a deletionTimestamp), or its delete failed.</summary>
    public void DeletionObserved(NamespacedName controller, NamespacedName deleted)
    {
        lock (_lock)
        {
            if (_expectations.TryGetValue(controller, out var e))
            {
                e.Deletes.Remove(deleted);
            }
        }
    }

    /// <summary>The objects whose deletion is expected but not yet observed (already gone for every purpose but the cache).</summary>
    public IReadOnlySet<NamespacedName> PendingDeletions(NamespacedName controller)
    {
        lock (_lock)
        {
            return _expectations.TryGetValue(controller, out var e) && e.Deletes.Count > 0 ? new HashSet<NamespacedName>(e.Deletes) : Empty;
        }
    }

    /// <summary>Forgets <paramref name="controller"/>, as when the owner itself is deleted.</summary>
    public void Forget(NamespacedName controller)
    {
        lock (_lock)
        {
            _expectations.Remove(controller);
        }
    }

    private sealed record Expectation(int Adds, HashSet<NamespacedName> Deletes, DateTimeOffset SetAt);
}
