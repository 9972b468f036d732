using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Informers;

/// <summary>
/// An informer's local cache: the objects it has seen, by key, with indexes (client-go's Indexer).
/// Every cache has the <see cref="NamespaceIndex"/>; others, such as pods by owner uid or by node,
/// are added with <see cref="AddIndex"/>. Reads never touch the store. The objects are the shared
/// immutable records the store handed out: change a copy, never the cached object.
/// </summary>
public sealed class Indexer<T>
    where T : KubeObject
{
    /// <summary>The index every cache has: objects by namespace (empty for cluster-scoped ones).</summary>
    public const string NamespaceIndex = "namespace";

    private readonly Lock _lock = new();
    private readonly Dictionary<NamespacedName, T> _items = [];
    private readonly Dictionary<string, Index> _indexes = new(StringComparer.Ordinal);

    public Indexer()
    {
        AddIndex(NamespaceIndex, o => [o.Namespace ?? string.Empty]);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>
    /// Adds an index named <paramref name="name"/> computed by <paramref name="keys"/> (an object may
    /// have several index values, or none). A second index by the same name is ignored, so controllers
    /// sharing an informer can each ask for the index they need.
    /// </summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> keys)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(keys);
        lock (_lock)
        {
            if (_indexes.ContainsKey(name))
            {
                return;
            }

            var index = new Index(keys);
            foreach (var (key, item) in _items)
            {
                index.Add(key, item);
            }

            _indexes[name] = index;
        }
    }

    public T? Get(NamespacedName key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    /// <summary>Every cached object in <paramref name="namespace"/> (all when null) matching <paramref name="selector"/> (all when null).</summary>
    public IReadOnlyList<T> List(string? @namespace = null, LabelSelector? selector = null)
    {
        lock (_lock)
        {
            IEnumerable<T> items = @namespace is null ? _items.Values : ByIndexLocked(NamespaceIndex, @namespace);
            return selector is null ? [.. items] : [.. items.Where(selector.Matches)];
        }
    }

    /// <summary>The objects whose <paramref name="index"/> values include <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">There is no index by that name.</exception>
    public IReadOnlyList<T> ByIndex(string index, string value)
    {
        lock (_lock)
        {
            return [.. ByIndexLocked(index, value)];
        }
    }

    public IReadOnlyList<NamespacedName> Keys()
    {
        lock (_lock)
        {
            return [.. _items.Keys];
        }
    }

    /// <summary>Stores <paramref name="item"/>; returns what it replaced.</summary>
    internal T? Upsert(T item)
    {
        var key = item.Key;
        lock (_lock)
        {
            var old = _items.GetValueOrDefault(key);
            if (old is not null)
            {
                RemoveFromIndexes(key, old);
            }

            _items[key] = item;
            foreach (var index in _indexes.Values)
            {
                index.Add(key, item);
            }

            return old;
        }
    }

    /// <summary>Removes the object by <paramref name="key"/>; returns it, or null when it was not cached.</summary>
    internal T? Remove(NamespacedName key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key, out var old))
            {
                return null;
            }

            RemoveFromIndexes(key, old);
            return old;
        }
    }

    private IEnumerable<T> ByIndexLocked(string index, string value)
    {
        if (!_indexes.TryGetValue(index, out var found))
        {
            throw new ArgumentException($"the cache has no index \"{index}\": add it with AddIndex before reading it", nameof(index));
        }

        return found.Get(value).Select(k => _items[k]);
    }

    private void RemoveFromIndexes(NamespacedName key, T old)
    {
        foreach (var index in _indexes.Values)
        {
            index.Remove(key, old);
        }
    }

    private sealed class Index(Func<T, IEnumerable<string>> keys)
    {
        private static readonly HashSet<NamespacedName> Empty = [];

        private readonly Dictionary<string, HashSet<NamespacedName>> _byValue = new(StringComparer.Ordinal);

        public void Add(NamespacedName key, T item)
        {
            foreach (var value in keys(item))
            {
                if (!_byValue.TryGetValue(value, out var set))
                {
                    _byValue[value] = set = [];
                }

                set.Add(key);
            }
        }

        public void Remove(NamespacedName key, T item)
        {
            foreach (var value in keys(item))
            {
                if (_byValue.TryGetValue(value, out var set) && set.Remove(key) && set.Count == 0)
                {
                    _byValue.Remove(value);
                }
            }
        }

        public HashSet<NamespacedName> Get(string value) =>
            _byValue.TryGetValue(value, out var set) ? set : Empty;
    }
}
