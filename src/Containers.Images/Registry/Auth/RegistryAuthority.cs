using System.Net;

namespace Containers.Images.Registry.Auth;

/// <summary>
/// A <c>host[:port]</c> as the registry client names a registry, compared with request URIs the
/// way credentials must be scoped: same host (case-insensitive) and same port, an absent port
/// meaning the scheme's default.
/// </summary>
internal readonly record struct RegistryAuthority(string Host, int? Port)
{
    private static readonly System.Buffers.SearchValues<char> NotInAuthority = System.Buffers.SearchValues.Create("/@?# \t");

    /// <summary>Parses <c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c>; a scheme or path is not accepted.</summary>
    public static RegistryAuthority Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var authority))
        {
            throw new ArgumentException($"registry \"{text}\" is not a host[:port]", nameof(text));
        }

        return authority;
    }

    public static bool TryParse(string text, out RegistryAuthority authority)
    {
        authority = default;
        if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAny(NotInAuthority) >= 0)
        {
            return false;
        }

        if (!Uri.TryCreate("scheme://" + text, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0)
        {
            return false;
        }

        // Uri hides an explicit default port; only an explicit one in the text counts.
        var hasPort = text.StartsWith('[') ? text.AsSpan(text.IndexOf(']') + 1).StartsWith(":") : text.Contains(':', StringComparison.Ordinal);
        authority = new RegistryAuthority(uri.Host, hasPort ? uri.Port : null);
        return true;
    }

    /// <summary>The authority of <paramref name="uri"/>, its port always explicit.</summary>
    public static RegistryAuthority Of(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return new RegistryAuthority(uri.Host, uri.Port);
    }

    /// <summary>True when <paramref name="uri"/> names this host and port.</summary>
    public bool Matches(Uri uri) =>
        uri.IsAbsoluteUri
        && string.Equals(uri.Host, Host, StringComparison.OrdinalIgnoreCase)
        && (Port is { } port ? uri.Port == port : uri.IsDefaultPort);

    /// <summary>True for <c>localhost</c> and loopback addresses, which Docker lets speak plain HTTP.</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// True when one of <paramref name="hosts"/> (<c>host</c> or <c>host:port</c>, as in Docker's
    /// insecure-registries) names this authority; a bare host covers every port.
    /// </summary>
    public bool IsIn(IEnumerable<string> hosts)
    {
        foreach (var entry in hosts)
        {
            // Docker's insecure-registries also takes URLs; their authority is what counts.
            var text = entry.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(entry, UriKind.Absolute, out var url) ? url.Authority : entry.Trim().TrimEnd('/');
            if (TryParse(text, out var listed)
                && string.Equals(listed.Host, Host, StringComparison.OrdinalIgnoreCase)
                && (listed.Port is null || listed.Port == Port))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Port is { } port ? $"{Host}:{port}" : Host;
}
