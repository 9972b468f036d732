namespace Containers.Orchestration.Store.Embedded;

/// <summary>
/// The most recent writes, in revision order, for watches that start in the past and for reads at
/// an earlier revision. Revisions are contiguous within one process, so a change is found by its
/// revision's offset from the oldest. Bounded: the oldest changes fall off (are compacted).
/// </summary>
internal sealed class ChangeHistory(int capacity)
{
    private readonly Change[] _ring = new Change[Math.Max(1, capacity)];
    private int _start;
    private int _count;

    /// <summary>Changes after this revision are all here; reading from before it is Gone.</summary>
    public long CompactedRevision { get; private set; }

    public void Reset(long revision)
    {
        Array.Clear(_ring);
        _start = 0;
        _count = 0;
        CompactedRevision = revision;
    }

    public void Add(Change change)
    {
        if (_count == _ring.Length)
        {
            CompactedRevision = _ring[_start].Revision;
            _ring[_start] = null!;
            _start = (_start + 1) % _ring.Length;
            _count--;
        }

        _ring[(_start + _count) % _ring.Length] = change;
        _count++;
    }

    /// <summary>Forgets the changes at and before <paramref name="revision"/>.</summary>
    public void Compact(long revision)
    {
        while (_count > 0 && _ring[_start].Revision <= revision)
        {
            _ring[_start] = null!;
            _start = (_start + 1) % _ring.Length;
            _count--;
        }

        CompactedRevision = Math.Max(CompactedRevision, revision);
    }

    /// <summary>The changes after <paramref name="revision"/>, oldest first; the caller checked it is not compacted.</summary>
    public IEnumerable<Change> After(long revision)
    {
        for (var i = 0; i < _count; i++)
        {
            var change = _ring[(_start + i) % _ring.Length];
            if (change.Revision > revision)
            {
                yield return change;
            }
        }
    }

    /// <summary>The changes after <paramref name="revision"/>, newest first.</summary>
    public IEnumerable<Change> NewestFirstAfter(long revision)
    {
        for (var i = _count - 1; i >= 0; i--)
        {
            var change = _ring[(_start + i) % _ring.Length];
            if (change.Revision <= revision)
            {
                yield break;
            }

            yield return change;
        }
    }
}
