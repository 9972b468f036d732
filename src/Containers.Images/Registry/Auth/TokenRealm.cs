using System.Net;

namespace Containers.Images.Registry.Auth;

/// <summary>
/// Decides whether a Bearer challenge's realm may be sent the registry's credentials.
/// </summary>
/// <remarks>
/// The realm comes from the registry, and Docker sends the registry's credentials to it wherever it
/// points; so a registry (or whoever answers in its name over plain HTTP) can name any host as its
/// token server. A realm on another host is accepted, as Docker accepts it, but only where the
/// credentials cannot be read on the way: over HTTPS, on a loopback host, or on a host the user
/// marked insecure. A plain-HTTP realm on the registry's own host is accepted only when the registry
/// itself is being spoken to over plain HTTP (the user allowed that already); HTTPS to the registry
/// never downgrades to an HTTP realm. The token that comes back is only ever sent to the registry.
/// </remarks>
internal static class TokenRealm
{
    /// <summary>The realm as a URI, or a <see cref="RegistryException"/> saying why it is refused.</summary>
    public static Uri Resolve(string? realm, RegistryAuthority registry, Uri request, IEnumerable<string> insecureHosts)
    {
        if (string.IsNullOrEmpty(realm))
        {
            throw Refused(registry, "its Bearer challenge names no realm (token server)");
        }

        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Refused(registry, $"its token realm \"{Shown(realm)}\" is not an http(s) URL");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw Refused(registry, $"its token realm on {uri.Authority} carries a user name in the URL");
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            var realmHost = RegistryAuthority.Of(uri);
            var sameHost = registry.Matches(uri);
            var allowed = realmHost.IsLoopback
                || realmHost.IsIn(insecureHosts)
                || (sameHost && request.Scheme == Uri.UriSchemeHttp);
            if (!allowed)
            {
                throw Refused(registry, sameHost
                    ? $"its token realm {uri.GetLeftPart(UriPartial.Path)} is plain HTTP while the registry is reached over HTTPS; the credentials would cross the network unencrypted"
                    : $"its token realm {uri.GetLeftPart(UriPartial.Path)} is plain HTTP on another host ({uri.Authority}); the registry's credentials would cross the network unencrypted. Use an HTTPS token server, or mark {uri.Authority} insecure if it is trusted");
            }
        }

        return uri;
    }

    private static RegistryException Refused(RegistryAuthority registry, string why) =>
        new(HttpStatusCode.Unauthorized, "authenticate", registry.ToString(), message: $"registry {registry} asks for a token, but {why}");

    private static string Shown(string text) => text.Length > 100 ? text[..100] + "…" : text;
}
