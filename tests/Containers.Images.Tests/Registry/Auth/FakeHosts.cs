using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Containers.Images.Registry;
using Containers.Images.Registry.Auth;

namespace Containers.Images.Tests.Registry.Auth;

/// <summary>One named fake host: its server and every request it received, in order.</summary>
internal sealed class FakeHost(FakeRegistryServer server, ConcurrentQueue<FakeRequest> requests)
{
    public FakeRegistryServer Server => server;

    public IReadOnlyCollection<FakeRequest> Requests => requests;
}

/// <summary>
/// Named hosts for the handler tests (<c>registry.test</c>, <c>blobs.test</c>, <c>auth.test</c>),
/// each a <see cref="FakeRegistryServer"/> on 127.0.0.1: the client connects by name, so the
/// handler sees real, distinct, non-loopback authorities, and nothing leaves the machine.
/// </summary>
internal sealed class FakeHosts : IAsyncDisposable
{
    private readonly Dictionary<string, FakeHost> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Serves <paramref name="host"/> (any port in URLs) with <paramref name="handler"/>.</summary>
    public FakeHost Add(string host, Func<FakeRequest, FakeResponse> handler)
    {
        var requests = new ConcurrentQueue<FakeRequest>();
        var server = new FakeRegistryServer((request, _) =>
        {
            requests.Enqueue(request);
            return Task.FromResult(handler(request));
        });
        return _hosts[host] = new FakeHost(server, requests);
    }

    /// <summary>The handler over a connection to these hosts, as the registry client chains it.</summary>
    public HttpMessageInvoker Client(RegistryAuthHandler handler)
    {
        handler.InnerHandler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var port = _hosts.TryGetValue(context.DnsEndPoint.Host, out var host)
                    ? host.Server.Port
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
        foreach (var host in _hosts.Values)
        {
            await host.Server.DisposeAsync();
        }
    }
}

/// <summary>The answers the auth tests' hosts give.</summary>
internal static class Respond
{
    public static FakeResponse Ok(string body = "{}", string contentType = "application/json") =>
        new FakeResponse(200, Encoding.UTF8.GetBytes(body)).With("Content-Type", contentType);

    public static FakeResponse Status(int status) => new(status);

    public static FakeResponse Unauthorized(string challenge, string body = """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""") =>
        FakeResponse.Json(401, body).With("WWW-Authenticate", challenge);

    public static FakeResponse Redirect(string location) => new FakeResponse(307).With("Location", location);
}

/// <summary>What the auth tests read of a request.</summary>
internal static class FakeRequestAuth
{
    extension(FakeRequest request)
    {
        public string? Authorization => request.Header("Authorization");

        /// <summary>Every value of a query parameter, decoded, in order.</summary>
        public IReadOnlyList<string> QueryValues(string name) =>
            [.. request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .Where(p => p[0] == name)
                .Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : string.Empty))];

        /// <summary>A form body's values (application/x-www-form-urlencoded).</summary>
        public IReadOnlyDictionary<string, string> Form() =>
            Encoding.UTF8.GetString(request.Body).Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : string.Empty));
    }
}
