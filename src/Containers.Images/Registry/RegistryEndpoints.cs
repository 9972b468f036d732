using System.Net;
using Containers.Errors;

namespace Containers.Images.Registry;

/// <summary>Maps a registry name from an image reference to the endpoints to try, as Docker does.</summary>
internal sealed class RegistryEndpoints
{
    /// <summary>Docker Hub's name in references, and where its API really is.</summary>
    internal const string DockerHub = "docker.io";
    internal const string DockerHubApi = "registry-1.docker.io";

    private readonly HashSet<string> _insecure;
    private readonly IReadOnlyList<RegistryEndpoint> _mirrors;

    public RegistryEndpoints(RegistryOptions options)
    {
        _insecure = new HashSet<string>(options.InsecureRegistries.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        _mirrors = [.. options.Mirrors.Select(ParseMirror)];
    }

    /// <summary>The endpoints for a pull from <paramref name="registry"/>: the mirrors first for Docker Hub.</summary>
    public IReadOnlyList<RegistryEndpoint> ForPull(string registry) =>
        string.Equals(registry, DockerHub, StringComparison.Ordinal) ? [.. _mirrors, ForPush(registry)] : [ForPush(registry)];

    /// <summary>The one endpoint for a push (and any other write) to <paramref name="registry"/>.</summary>
    public RegistryEndpoint ForPush(string registry)
    {
        var authority = string.Equals(registry, DockerHub, StringComparison.Ordinal) ? DockerHubApi : registry;
        return new RegistryEndpoint(authority, null, IsInsecure(authority), false);
    }

    /// <summary>True for an authority the user marked insecure (by <c>host:port</c> or <c>host</c>), or a loopback one.</summary>
    public bool IsInsecure(string authority)
    {
        var host = HostOf(authority);
        return IsLoopback(host) || _insecure.Contains(authority) || _insecure.Contains(host);
    }

    /// <summary>True for a TLS target host the user marked insecure, or a loopback one (the certificate check consults this).</summary>
    public bool IsInsecureHost(string host)
    {
        var bare = host.Trim('[', ']');
        return IsLoopback(bare) || _insecure.Contains(bare) || _insecure.Contains($"[{bare}]") || _insecure.Any(i => string.Equals(HostOf(i), bare, StringComparison.OrdinalIgnoreCase));
    }

    internal static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>The host of <c>host[:port]</c>, without IPv6 brackets.</summary>
    internal static string HostOf(string authority)
    {
        if (authority.StartsWith('['))
        {
            var end = authority.IndexOf(']', StringComparison.Ordinal);
            return end < 0 ? authority : authority[1..end];
        }

        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    private static string Normalize(string entry)
    {
        var trimmed = entry.Trim();
        if (trimmed.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(trimmed, UriKind.Absolute, out var uri))
        {
            return uri.Authority;
        }

        return trimmed.TrimEnd('/');
    }

    private RegistryEndpoint ParseMirror(string mirror)
    {
        var trimmed = mirror.Trim();
        if (trimmed.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath.Trim('/').Length > 0)
            {
                throw new InvalidArgumentException($"registry mirror \"{mirror}\" is not an http(s) URL of a host (such as https://mirror.example:5000)");
            }

            return new RegistryEndpoint(uri.Authority, uri.Scheme, IsInsecure(uri.Authority), true);
        }

        var authority = trimmed.TrimEnd('/');
        if (!Uri.TryCreate($"https://{authority}/", UriKind.Absolute, out _))
        {
            throw new InvalidArgumentException($"registry mirror \"{mirror}\" is not a host[:port] or an http(s) URL");
        }

        return new RegistryEndpoint(authority, null, IsInsecure(authority), true);
    }
}
