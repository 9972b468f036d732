using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Tests.Controllers.Testing;

/// <summary>An <see cref="IApiClient"/> that passes every call on; tests override the calls they watch or break.</summary>
internal abstract class DelegatingApiClient(IApiClient inner) : IApiClient
{
    protected IApiClient Inner => inner;

    public ResourceRegistry Registry => inner.Registry;

    public virtual ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default) => inner.GetAsync(type, name, cancellationToken);

    public virtual ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) => inner.ListAsync(type, @namespace, options, cancellationToken);

    public virtual ValueTask<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => inner.CreateAsync(obj, cancellationToken);

    public virtual ValueTask<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => inner.UpdateAsync(obj, cancellationToken);

    public virtual ValueTask<T> UpdateStatusAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => inner.UpdateStatusAsync(obj, cancellationToken);

    public virtual ValueTask DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(type, name, options, cancellationToken);

    public virtual ValueTask BindAsync(NamespacedName pod, string podUid, string nodeName, CancellationToken cancellationToken = default) => inner.BindAsync(pod, podUid, nodeName, cancellationToken);

    public virtual IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default) => inner.WatchAsync(type, @namespace, options, cancellationToken);
}
