using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server.Http;

/// <summary>
/// The controllers' and node agents' client over HTTP: what runs against <see cref="ApiServerClient"/>
/// in-process (a controller, the scheduler, a node agent) runs the same against a remote
/// <c>containers cluster serve</c>, as kube-controller-manager, kube-scheduler and kubelet talk to
/// kube-apiserver.
/// </summary>
public sealed partial class HttpApiClient : IApiClient
{
    async ValueTask<KubeObject?> IApiClient.GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken) =>
        await FindAsync(type, name, cancellationToken).ConfigureAwait(false);

    async ValueTask<ListResult> IApiClient.ListAsync(ResourceType type, string? @namespace, ListOptions? options, CancellationToken cancellationToken) =>
        await ListAsync(type, @namespace, options, cancellationToken).ConfigureAwait(false);

    async ValueTask<T> IApiClient.CreateAsync<T>(T obj, CancellationToken cancellationToken) =>
        (T)await CreateAsync(obj, cancellationToken: cancellationToken).ConfigureAwait(false);

    async ValueTask<T> IApiClient.UpdateAsync<T>(T obj, CancellationToken cancellationToken) =>
        (T)await UpdateAsync(obj, cancellationToken: cancellationToken).ConfigureAwait(false);

    async ValueTask<T> IApiClient.UpdateStatusAsync<T>(T obj, CancellationToken cancellationToken) =>
        (T)await UpdateAsync(obj, "status", cancellationToken: cancellationToken).ConfigureAwait(false);

    async ValueTask IApiClient.DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options, CancellationToken cancellationToken) =>
        await DeleteAsync(type, name, options, cancellationToken).ConfigureAwait(false);

    async ValueTask IApiClient.BindAsync(NamespacedName pod, string podUid, string nodeName, CancellationToken cancellationToken) =>
        await BindAsync(pod, podUid, nodeName, cancellationToken).ConfigureAwait(false);

    IAsyncEnumerable<WatchEvent> IApiClient.WatchAsync(ResourceType type, string? @namespace, WatchOptions? options, CancellationToken cancellationToken) =>
        WatchAsync(type, @namespace, options, cancellationToken);
}
