using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Controllers.Informers;

/// <summary>Indexes several controllers ask of shared caches, by one name each so they are built once.</summary>
public static class CommonIndexes
{
    /// <summary>Pods by spec.nodeName (unbound pods are in none).</summary>
    public const string PodsByNode = "pods-by-node";

    /// <summary>Objects by the uid of their controller owner reference.</summary>
    public const string ByControllerUid = "by-controller-uid";

    public static Indexer<Pod> AddPodsByNode(this Indexer<Pod> cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.AddIndex(PodsByNode, p => string.IsNullOrEmpty(p.Spec.NodeName) ? [] : [p.Spec.NodeName]);
        return cache;
    }

    public static Indexer<T> AddByControllerUid<T>(this Indexer<T> cache)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.AddIndex(ByControllerUid, o => o.Metadata.ControllerReference is { Uid.Length: > 0 } owner ? [owner.Uid] : []);
        return cache;
    }
}
