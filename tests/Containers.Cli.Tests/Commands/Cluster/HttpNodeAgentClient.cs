using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Server.Http;
using Containers.Orchestration.Store;

namespace Containers.Cli.Tests.Commands.Cluster;

/// <summary>
/// A node agent's <see cref="IApiClient"/> over the HTTP API, so that a <c>NodeAgent</c> in the test
/// reports to <c>containers cluster serve</c> as a kubelet on another machine would. Agents do not
/// bind pods (the scheduler in serve does), so binding is not offered.
/// </summary>
internal sealed class HttpNodeAgentClient(HttpApiClient http) : IApiClient
{
    public ResourceRegistry Registry => http.Registry;

    public async ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default) =>
        await http.FindAsync(type, name, cancellationToken);

    public async ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        await http.ListAsync(type, @namespace, options, cancellationToken);

    public async ValueTask<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => (T)await http.CreateAsync(obj, cancellationToken: cancellationToken);

    public async ValueTask<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => (T)await http.UpdateAsync(obj, cancellationToken: cancellationToken);

    public async ValueTask<T> UpdateStatusAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => (T)await http.UpdateAsync(obj, "status", cancellationToken: cancellationToken);

    public async ValueTask DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default) =>
        await http.DeleteAsync(type, name, options, cancellationToken);

    public ValueTask BindAsync(NamespacedName pod, string podUid, string nodeName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"a node agent does not bind pods ({pod} to {nodeName}): the scheduler in serve does");

    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        http.WatchAsync(type, @namespace, options, cancellationToken);
}
