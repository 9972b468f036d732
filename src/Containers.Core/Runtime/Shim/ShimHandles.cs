using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Containers.Runtime.Shim;

/// <summary>The shims a runtime instance started itself, by container id: their channels carry start, kill and exit without a socket round trip.</summary>
internal sealed class ShimHandles
{
    private readonly ConcurrentDictionary<string, ShimHandle> handles = new(StringComparer.Ordinal);

    public void Add(string id, ShimHandle handle) => handles[id] = handle;

    public bool TryGet(string id, [NotNullWhen(true)] out ShimHandle? handle) => handles.TryGetValue(id, out handle);

    public bool Contains(string id) => handles.ContainsKey(id);

    public bool TryRemove(string id, [NotNullWhen(true)] out ShimHandle? handle) => handles.TryRemove(id, out handle);

    /// <summary>Closes every channel (the containers go on unless they die with their owner) and forgets them.</summary>
    public async ValueTask DisposeAllAsync()
    {
        foreach (var handle in handles.Values)
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }

        handles.Clear();
    }
}
