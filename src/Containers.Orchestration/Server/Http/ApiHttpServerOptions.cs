using System.Net;
using Containers.Orchestration.Server.Authentication;

namespace Containers.Orchestration.Server.Http;

/// <summary>Where and how <see cref="ApiHttpServer"/> listens.</summary>
public sealed class ApiHttpServerOptions
{
    /// <summary>The TCP endpoint; port 0 picks a free one (see <see cref="ApiHttpServer.Address"/>). Default 127.0.0.1:0.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Listen on this unix socket instead of TCP.</summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>Maps bearer tokens to users; a request without a token it knows is refused with 401 (no anonymous access).</summary>
    public required ITokenAuthenticator Authenticator { get; set; }

    /// <summary>The largest request body accepted (kube-apiserver's default: 3 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>What <c>GET /version</c> answers.</summary>
    public VersionInfo Version { get; set; } = new();
}
