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

    /// <summary>
    /// Writes <paramref name="change"/> of <paramref name="current"/>'s status; on a conflict reads the
    /// object again and applies <paramref name="change"/> to the fresh copy (client-go's
    /// RetryOnConflict), at most <paramref name="attempts"/> times. Returns the stored object, or null
    /// when it is gone.
    /// </summary>
    public static ValueTask<T?> UpdateStatusRetryingAsync<T>(this IApiClient client, T current, Func<T, T> change, int attempts = 5, CancellationToken cancellationToken = default)
        where T : KubeObject =>
        RetryOnConflictAsync(client, current, change, static (c, o, ct) => c.UpdateStatusAsync(o, ct), attempts, cancellationToken);

    /// <summary>As <see cref="UpdateStatusRetryingAsync"/>, for metadata and spec.</summary>
    public static ValueTask<T?> UpdateRetryingAsync<T>(this IApiClient client, T current, Func<T, T> change, int attempts = 5, CancellationToken cancellationToken = default)
        where T : KubeObject =>
        RetryOnConflictAsync(client, current, change, static (c, o, ct) => c.UpdateAsync(o, ct), attempts, cancellationToken);

    private static async ValueTask<T?> RetryOnConflictAsync<T>(IApiClient client, T current, Func<T, T> change, Func<IApiClient, T, CancellationToken, ValueTask<T>> write, int attempts, CancellationToken cancellationToken)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write(client, change(current), cancellationToken).ConfigureAwait(false);
            }
            catch (Containers.Errors.ConflictException) when (attempt < attempts)
            {
                var fresh = await client.GetAsync<T>(current.Key, cancellationToken).ConfigureAwait(false);
                if (fresh is null || fresh.Metadata.Uid != current.Metadata.Uid)
                {
                    return null;
                }

                current = fresh;
            }
            catch (Containers.Errors.NotFoundException)
            {
                return null;
            }
        }
    }
}
