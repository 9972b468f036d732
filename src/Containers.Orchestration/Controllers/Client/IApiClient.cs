using Containers.Orchestration.Api;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Controllers.Client;

/// <summary>
/// What controllers, the scheduler and node agents read and write the API through. In-process it
/// goes through the API server (validation, defaulting, admission, generations, graceful deletion);
/// <see cref="StoreApiClient"/> is a thin stand-in straight over a store. The typed helpers
/// (<c>GetAsync&lt;T&gt;</c>, <c>ListAsync&lt;T&gt;</c>...) are in <see cref="ApiClientExtensions"/>.
/// </summary>
/// <remarks>Objects passed in and returned are shared, immutable records: change them with <c>with</c>.</remarks>
public interface IApiClient
{
    /// <summary>The kinds the API serves.</summary>
    ResourceRegistry Registry { get; }

    /// <summary>The object, or null when there is none by that name.</summary>
    ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default);

    /// <summary>The matching objects in <paramref name="namespace"/> (all namespaces when null) and the revision they were read at.</summary>
    ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Creates the object (a name from <c>generateName</c> when it has none) and returns it as stored.</summary>
    /// <exception cref="Containers.Errors.AlreadyExistsException">The name is taken.</exception>
    ValueTask<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject;

    /// <summary>
    /// Replaces the object's metadata and spec (its status is kept), if its resourceVersion is
    /// current; the generation goes up when the spec changed.
    /// </summary>
    /// <exception cref="Containers.Errors.ConflictException">The resourceVersion is stale: read again and retry.</exception>
    /// <exception cref="Containers.Errors.NotFoundException">There is no such object.</exception>
    ValueTask<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject;

    /// <summary>Replaces only the object's status (the <c>/status</c> subresource), if its resourceVersion is current.</summary>
    /// <exception cref="Containers.Errors.ConflictException">The resourceVersion is stale: read again and retry.</exception>
    /// <exception cref="Containers.Errors.NotFoundException">There is no such object.</exception>
    ValueTask<T> UpdateStatusAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject;

    /// <summary>
    /// Deletes the object: at once, or gracefully (a pod on a node, or an object with finalizers,
    /// gets a deletionTimestamp and goes when its node or finalizers let it).
    /// </summary>
    /// <exception cref="Containers.Errors.NotFoundException">There is no such object.</exception>
    /// <exception cref="Containers.Errors.ConflictException">A precondition does not hold.</exception>
    ValueTask DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Binds a pod to a node (the <c>pods/binding</c> subresource): sets <c>spec.nodeName</c> and the
    /// PodScheduled condition of a pod that has no node yet.
    /// </summary>
    /// <exception cref="Containers.Errors.ConflictException">The pod is already bound, or its uid is not <paramref name="podUid"/>.</exception>
    /// <exception cref="Containers.Errors.NotFoundException">There is no such pod.</exception>
    ValueTask BindAsync(NamespacedName pod, string podUid, string nodeName, CancellationToken cancellationToken = default);

    /// <summary>The changes to matching objects, as <see cref="IStateStore.WatchAsync"/> streams them.</summary>
    /// <exception cref="GoneException">Thrown by the enumeration when the start revision is no longer kept: list again.</exception>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default);
}
