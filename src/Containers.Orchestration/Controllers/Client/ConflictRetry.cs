using Containers.Errors;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Controllers.Client;

/// <summary>
/// Writes that read the object again and retry when someone else wrote first (client-go's
/// RetryOnConflict), for writes whose content does not depend on what the conflicting writer
/// changed: a status computed from scratch, or one spec field set to a decided value.
/// </summary>
internal static class ConflictRetry
{
    private const int Attempts = 5;

    /// <summary>
    /// Writes the status <paramref name="change"/> makes of <paramref name="obj"/>; on a conflict,
    /// reads the object again and applies <paramref name="change"/> to that. Null when the object is gone.
    /// </summary>
    public static async ValueTask<T?> UpdateStatusAsync<T>(this IApiClient client, T obj, Func<T, T> change, CancellationToken cancellationToken)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(change);
        return await RetryAsync(client, obj, o => client.UpdateStatusAsync(change(o), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="UpdateStatusAsync{T}"/>, for metadata and spec.</summary>
    public static async ValueTask<T?> UpdateAsync<T>(this IApiClient client, T obj, Func<T, T> change, CancellationToken cancellationToken)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(change);
        return await RetryAsync(client, obj, o => client.UpdateAsync(change(o), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<T?> RetryAsync<T>(IApiClient client, T obj, Func<T, ValueTask<T>> write, CancellationToken cancellationToken)
        where T : KubeObject
    {
        var current = obj;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write(current).ConfigureAwait(false);
            }
            catch (ConflictException) when (attempt < Attempts)
            {
                var fresh = (T?)await client.GetAsync(client.Registry.Get(obj), obj.Key, cancellationToken).ConfigureAwait(false);
                if (fresh is null || fresh.Metadata.Uid != obj.Metadata.Uid)
                {
                    return null;
                }

                current = fresh;
            }
            catch (NotFoundException)
            {
                return null;
            }
        }
    }
}
