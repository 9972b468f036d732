using System.Net.Sockets;
using Containers.Images.Registry;
using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

/// <summary>
/// Named hosts for the handler tests (<c>registry.test</c>, <c>blobs.test</c>, <c>auth.test</c>),
/// each a <see cref="FakeHttpServer"/> on 127.0.0.1: the client connects by name, so the handler
/// sees real, distinct, non-loopback authorities, and nothing leaves the machine.
/// </summary>
internal sealed class FakeHosts : IAsyncDisposable
{
    /// <summary>The port every host name is given in URLs; the connection goes to the server's real port.</summary>
    public const int Port = 5000;

    private readonly Dictionary<string, FakeHttpServer> _servers = new(StringComparer.OrdinalIgnoreCase);

    public FakeHttpServer Add(string host, Func<FakeRequest, FakeResponse> handler)
    {
        var server = new FakeHttpServer(handler);
        _servers[host] = server;
        return server;
    }

    /// <summary>The handler over a connection to these hosts, as the registry client chains it.</summary>
    public HttpMessageInvoker Client(RegistryAuthHandler handler)
    {
        handler.InnerHandler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var port = _servers.TryGetValue(context.DnsEndPoint.Host, out var server)
                    ? server.Port
                    : throw new HttpRequestException($"test host {context.DnsEndPoint.Host} does not exist");
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>
    /// Sends as the registry client does: the registry and scope in the request's options, and
    /// redirects followed by hand, each hop a new request with the same options.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpMessageInvoker client,
        string url,
        string registry,
        string? scope = null,
        HttpMethod? method = null,
        Func<HttpContent>? content = null)
    {
        var uri = new Uri(url);
        for (var hop = 0; hop < 5; hop++)
        {
            using var request = new HttpRequestMessage(method ?? HttpMethod.Get, uri) { Content = content?.Invoke() };
            request.Options.Set(RegistryRequestOptions.Registry, registry);
            if (scope is not null)
            {
                request.Options.Set(RegistryRequestOptions.Scope, scope);
            }

            var response = await client.SendAsync(request, CancellationToken.None);
            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                uri = new Uri(uri, location);
                response.Dispose();
                continue;
            }

            return response;
        }

        throw new InvalidOperationException("too many redirects");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
    }
}
