using Containers.Orchestration.Api;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Controllers.Client;

/// <summary>Typed reads and deletes over <see cref="IApiClient"/>, the kind found from the CLR type.</summary>
public static class ApiClientExtensions
{
    public static async ValueTask<T?> GetAsync<T>(this IApiClient client, NamespacedName name, CancellationToken cancellationToken = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        return (T?)await client.GetAsync(client.Registry.Get<T>(), name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The objects of kind <typeparamref name="T"/> in <paramref name="namespace"/> (all when null) that match <paramref name="selector"/> (all when null).</summary>
    public static async ValueTask<IReadOnlyList<T>> ListAsync<T>(this IApiClient client, string? @namespace, LabelSelector? selector = null, CancellationToken cancellationToken = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = await client.ListAsync(client.Registry.Get<T>(), @namespace, new ListOptions { LabelSelector = selector }, cancellationToken).ConfigureAwait(false);
        return [.. result.Items.Cast<T>()];
    }

    public static ValueTask DeleteAsync<T>(this IApiClient client, NamespacedName name, PropagationPolicy? propagation = null, CancellationToken cancellationToken = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.DeleteAsync(client.Registry.Get<T>(), name, propagation is null ? null : new DeleteOptions { PropagationPolicy = propagation }, cancellationToken);
    }

    public static ValueTask DeleteAsync<T>(this IApiClient client, NamespacedName name, DeleteOptions options, CancellationToken cancellationToken = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.DeleteAsync(client.Registry.Get<T>(), name, options, cancellationToken);
    }
}
