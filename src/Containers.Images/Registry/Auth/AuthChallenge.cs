namespace Containers.Images.Registry.Auth;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header: its scheme (<c>Basic</c>, <c>Bearer</c>) and
/// parameters, names lower-cased. For Bearer, the token spec's <c>realm</c>, <c>service</c>,
/// <c>scope</c> and <c>error</c>.
/// </summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Get("realm");

    public string? Service => Get("service");

    /// <summary>The scopes the server asks for, space-separated as the token spec sends them.</summary>
    public string? Scope => Get("scope");

    /// <summary>The OAuth error (RFC 6750): <c>invalid_token</c>, <c>insufficient_scope</c>.</summary>
    public string? Error => Get("error");

    private string? Get(string name) => Parameters.TryGetValue(name, out var value) ? value : null;
}
