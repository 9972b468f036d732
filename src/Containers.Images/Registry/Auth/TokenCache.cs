using System.Collections.Concurrent;

namespace Containers.Images.Registry.Auth;

/// <summary>
/// Tokens per registry and scope set. Concurrent requests for one key wait for one fetch (a pull
/// of many layers asks once); an expired token, or one the registry rejected, is fetched again.
/// </summary>
internal sealed class TokenCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, BearerToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fetches = new(StringComparer.Ordinal);

    /// <summary>
    /// The fresh token for <paramref name="key"/>, fetched with <paramref name="fetch"/> when there
    /// is none, or when the cached one is <paramref name="rejected"/> (the registry refused it).
    /// </summary>
    public async ValueTask<BearerToken> GetAsync(string key, string? rejected, Func<CancellationToken, Task<BearerToken>> fetch, CancellationToken cancellationToken)
    {
        if (TryGetFresh(key, rejected, out var token))
        {
            return token;
        }

        var gate = _fetches.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have fetched it while this one waited.
            if (TryGetFresh(key, rejected, out token))
            {
                return token;
            }

            token = await fetch(cancellationToken).ConfigureAwait(false);
            _tokens[key] = token;
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    private bool TryGetFresh(string key, string? rejected, out BearerToken token) =>
        _tokens.TryGetValue(key, out token!) && token.Value != rejected && token.IsFresh(time.GetUtcNow());
}
