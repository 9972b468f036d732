namespace Containers.Images.Registry;

/// <summary>
/// Per-request facts the registry client hands to the handlers below it (retry, authentication),
/// carried in <see cref="HttpRequestMessage.Options"/>.
/// </summary>
/// <remarks>
/// The authentication handler only authenticates a request whose URI authority equals
/// <see cref="Registry"/>; a redirect hop to another host (blob storage) goes out with no
/// Authorization header at all.
/// </remarks>
public static class RegistryRequestOptions
{
    /// <summary>
    /// The <c>host[:port]</c> of the registry the operation targets, as it appears in the request
    /// URI's authority (e.g. <c>registry-1.docker.io</c>, <c>127.0.0.1:5000</c>).
    /// </summary>
    public static readonly HttpRequestOptionsKey<string> Registry = new("Containers.Registry");

    /// <summary>
    /// The token scope(s) the operation needs, space-separated when there are several, each
    /// <c>repository:&lt;name&gt;:pull</c> or <c>repository:&lt;name&gt;:pull,push</c>. A
    /// cross-repository mount carries both repositories' scopes.
    /// </summary>
    public static readonly HttpRequestOptionsKey<string> Scope = new("Containers.Registry.Scope");
}
