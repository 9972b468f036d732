using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store;

/// <summary>
/// Dumb storage of API objects with revisions, the shape of etcd's: one store-wide revision counter
/// that every write bumps, one key per object (<see cref="StoreKeys"/>), and watches by key prefix
/// from a revision. An object's <c>metadata.resourceVersion</c> is the decimal revision of its last
/// write; a list's is the revision it was read at. Validation, defaulting, generations,
/// finalizers, graceful deletion, garbage collection and namespaces belong to the API server above.
/// </summary>
/// <remarks>
/// Objects given to and returned by a store are shared and must not be changed (they are records:
/// make a changed copy with <c>with</c>). Every implementation passes the shared conformance fixture
/// (tests: <c>StateStoreConformance</c>).
/// </remarks>
public interface IStateStore : IAsyncDisposable
{
    /// <summary>The kinds this store can hold and decode.</summary>
    ResourceRegistry Registry { get; }

    /// <summary>The object, or null when there is none by that name.</summary>
    ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The objects of <paramref name="type"/> in <paramref name="namespace"/> (all namespaces when null),
    /// sorted by namespace and name, with the revision they were read at.
    /// </summary>
    /// <exception cref="GoneException"><see cref="ListOptions.ResourceVersion"/> or the continue token's revision is compacted.</exception>
    /// <exception cref="Containers.Errors.InvalidArgumentException">A field selector names a field the kind does not support, or a token is not this store's.</exception>
    ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new object and returns it as stored: with a uid and a creationTimestamp when it had
    /// none, and a resourceVersion (any it had is replaced).
    /// </summary>
    /// <exception cref="Containers.Errors.AlreadyExistsException">An object of that kind and key exists.</exception>
    /// <exception cref="Containers.Errors.InvalidArgumentException">The kind is not registered, the name is missing, or the namespace does not fit the kind's scope.</exception>
    ValueTask<KubeObject> CreateAsync(KubeObject obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an object, if its <c>metadata.resourceVersion</c> is still the stored one (an empty
    /// resourceVersion replaces unconditionally), and returns it with its new resourceVersion. The
    /// uid and creationTimestamp are kept from the stored object.
    /// </summary>
    /// <exception cref="Containers.Errors.NotFoundException">There is no such object.</exception>
    /// <exception cref="Containers.Errors.ConflictException">The resourceVersion is stale: read the object again and retry.</exception>
    ValueTask<KubeObject> UpdateAsync(KubeObject obj, CancellationToken cancellationToken = default);

    /// <summary>Removes an object and returns it as it was last stored.</summary>
    /// <exception cref="Containers.Errors.NotFoundException">There is no such object.</exception>
    /// <exception cref="Containers.Errors.ConflictException">A precondition (uid, resourceVersion) does not hold.</exception>
    ValueTask<KubeObject> DeleteAsync(ResourceType type, NamespacedName name, Preconditions? preconditions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The changes to objects of <paramref name="type"/> in <paramref name="namespace"/> (all when
    /// null), in revision order. With <see cref="WatchOptions.ResourceVersion"/> "N", the changes after
    /// revision N; without one (or "0"), first an Added event for each object that exists now, then the
    /// changes after that. The stream ends when <paramref name="cancellationToken"/> is cancelled or the
    /// store is disposed.
    /// </summary>
    /// <exception cref="GoneException">
    /// Thrown by the enumeration when the start revision is compacted, or when the watcher fell so
    /// far behind that its buffer overflowed: list again and watch from the list's resourceVersion.
    /// </exception>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default);
}
