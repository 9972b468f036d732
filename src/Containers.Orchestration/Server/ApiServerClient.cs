using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server;

/// <summary>
/// The controllers' <see cref="IApiClient"/> in process: every call goes through the
/// <see cref="ApiServer"/> as one user, with its authorization, defaulting, validation, admission,
/// generations, finalizers, graceful deletion and garbage collection.
/// </summary>
public sealed class ApiServerClient : IApiClient
{
    private readonly ApiServer _server;

    public ApiServerClient(ApiServer server, UserInfo user)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(user);
        _server = server;
        User = user;
    }

    /// <summary>Who the calls are made as.</summary>
    public UserInfo User { get; }

    public ResourceRegistry Registry => _server.Registry;

    public async ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _server.GetAsync(User, type, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        _server.ListAsync(User, type, @namespace, options, cancellationToken);

    public async ValueTask<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => (T)await _server.CreateAsync(User, obj, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async ValueTask<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => (T)await _server.UpdateAsync(User, obj, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async ValueTask<T> UpdateStatusAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => (T)await _server.UpdateStatusAsync(User, obj, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async ValueTask DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default) =>
        await _server.DeleteAsync(User, type, name, options, cancellationToken).ConfigureAwait(false);

    public async ValueTask BindAsync(NamespacedName pod, string podUid, string nodeName, CancellationToken cancellationToken = default) =>
        await _server.BindAsync(User, pod, podUid, nodeName, cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var events = await _server.WatchAsync(User, type, @namespace, options, cancellationToken).ConfigureAwait(false);
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }
}
