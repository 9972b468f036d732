using Containers.Orchestration.Api;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server;

public sealed partial class ApiServer
{
    /// <summary>The object (or, with <paramref name="subresource"/> "status", the same object read through its status).</summary>
    /// <exception cref="Containers.Errors.NotFoundException">There is no such object.</exception>
    /// <exception cref="ForbiddenException">The user may not get it.</exception>
    public async ValueTask<KubeObject> GetAsync(UserInfo user, ResourceType type, NamespacedName name, string? subresource = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(type);
        CheckSubresource(type, subresource, read: true);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "get", type, name.Namespace, name.Name, subresource), cancellationToken).ConfigureAwait(false);
        return await _store.GetAsync(type, name, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, name.Name);
    }

    /// <summary>The objects of <paramref name="type"/> in <paramref name="namespace"/> (every namespace when null).</summary>
    /// <exception cref="GoneException">The resourceVersion or continue token asked for is compacted.</exception>
    public async ValueTask<ListResult> ListAsync(UserInfo user, ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(type);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "list", type, @namespace), cancellationToken).ConfigureAwait(false);
        return await _store.ListAsync(type, type.Namespaced ? @namespace : null, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The changes to objects of <paramref name="type"/> in <paramref name="namespace"/>, authorized
    /// now (so that a refusal comes before any event); see <see cref="IStateStore.WatchAsync"/>.
    /// </summary>
    public async ValueTask<IAsyncEnumerable<WatchEvent>> WatchAsync(UserInfo user, ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(type);
        await AuthorizeOrThrowAsync(AuthorizationAttributes.ForResource(user, "watch", type, @namespace), cancellationToken).ConfigureAwait(false);
        options?.FieldSelector?.ValidateFor(type);
        return _store.WatchAsync(type, type.Namespaced ? @namespace : null, options, cancellationToken);
    }

    /// <summary>Throws NotFound, as Kubernetes does for a path it does not serve, unless the kind has <paramref name="subresource"/>.</summary>
    private void CheckSubresource(ResourceType type, string? subresource, bool read = false)
    {
        var served = subresource switch
        {
            null => true,
            "status" => ObjectParts.HasStatus(type),
            "finalize" => type == _namespaces && !read,
            _ => false,
        };
        if (!served)
        {
            throw new Containers.Errors.NotFoundException(
                $"the server could not find the requested resource: {type.GroupResource} has no subresource \"{subresource}\"");
        }
    }
}
