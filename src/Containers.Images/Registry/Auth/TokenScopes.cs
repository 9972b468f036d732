namespace Containers.Images.Registry.Auth;

/// <summary>
/// A set of token scopes (<c>repository:team/app:pull,push</c>), merged per resource and kept in
/// one order, so that the same access always makes the same cache key and token request.
/// </summary>
internal sealed class TokenScopes
{
    /// <summary>More scopes than any real operation needs are ignored: a challenge's scope is the server's to choose.</summary>
    private const int MaxResources = 32;

    private readonly SortedDictionary<string, SortedSet<string>> _resources;

    private TokenScopes(SortedDictionary<string, SortedSet<string>> resources) => _resources = resources;

    public static TokenScopes Empty { get; } = new(new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal));

    public bool IsEmpty => _resources.Count == 0;

    /// <summary>Each scope as the token request sends it: <c>type:name:action,action</c>.</summary>
    public IEnumerable<string> Values =>
        _resources.Select(r => r.Value.Count == 0 ? r.Key : $"{r.Key}:{string.Join(',', r.Value)}");

    /// <summary>All scopes, space-separated; the cache key.</summary>
    public string Key => string.Join(' ', Values);

    /// <summary>Parses space-separated scopes; null or blank is no scope.</summary>
    public static TokenScopes Parse(string? text) => Empty.With(text);

    /// <summary>This set with the scopes of <paramref name="text"/> added, actions merged per resource.</summary>
    public TokenScopes With(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return this;
        }

        var merged = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (resource, actions) in _resources)
        {
            merged[resource] = new SortedSet<string>(actions, StringComparer.Ordinal);
        }

        foreach (var scope in text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            // type:name:actions; a name holds no colon, but split at the last one all the same.
            var last = scope.LastIndexOf(':');
            var (resource, actions) = last > 0 && scope.IndexOf(':', StringComparison.Ordinal) < last
                ? (scope[..last], scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
                : (scope, []);
            if (!merged.TryGetValue(resource, out var set))
            {
                if (merged.Count >= MaxResources)
                {
                    continue;
                }

                merged[resource] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(actions);
        }

        return new TokenScopes(merged);
    }

    public override string ToString() => IsEmpty ? "(no scope)" : Key;
}
