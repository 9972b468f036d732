namespace Containers.Images.Registry;

/// <summary>
/// Where a registry's API is reached: its authority (<c>host[:port]</c>), a scheme when one is
/// fixed (a mirror given as a URL), and whether plain HTTP and unverified TLS are allowed.
/// </summary>
/// <param name="Authority">The host and port as they go into the request URI.</param>
/// <param name="Scheme"><c>https</c> or <c>http</c> when fixed; null to choose as <see cref="Insecure"/> allows.</param>
/// <param name="Insecure">Plain HTTP and unverified certificates allowed (an insecure registry, or loopback).</param>
/// <param name="IsMirror">A Docker Hub mirror: a failure there falls through to the next endpoint.</param>
internal sealed record RegistryEndpoint(string Authority, string? Scheme, bool Insecure, bool IsMirror);
