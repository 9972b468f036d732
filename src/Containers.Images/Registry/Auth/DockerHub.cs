namespace Containers.Images.Registry.Auth;

/// <summary>Docker Hub's names: the one registry that goes by several hosts, and is keyed in Docker's config as a URL.</summary>
internal static class DockerHub
{
    /// <summary>The key Docker writes Docker Hub's credentials under, in <c>auths</c> and for credential helpers.</summary>
    public const string ConfigKey = "https://index.docker.io/v1/";

    /// <summary>True for <c>docker.io</c>, <c>index.docker.io</c> and <c>registry-1.docker.io</c>.</summary>
    public static bool IsAlias(string host) =>
        host.Equals("docker.io", StringComparison.OrdinalIgnoreCase)
        || host.Equals("index.docker.io", StringComparison.OrdinalIgnoreCase)
        || host.Equals("registry-1.docker.io", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The host a credential key names, as Docker compares them: <c>https://host:5000/v1/</c> and
    /// <c>host:5000</c> are both <c>host:5000</c>; any Docker Hub alias is <c>index.docker.io</c>.
    /// </summary>
    public static string Normalize(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var host = key.Trim();
        foreach (var scheme in (ReadOnlySpan<string>)["https://", "http://"])
        {
            if (host.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                host = host[scheme.Length..];
                break;
            }
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        return IsAlias(host) ? "index.docker.io" : host.ToLowerInvariant();
    }

    /// <summary>The key to store <paramref name="registryHost"/>'s credentials under, as Docker does.</summary>
    public static string KeyFor(string registryHost) =>
        Normalize(registryHost) == "index.docker.io" ? ConfigKey : Normalize(registryHost);
}
