using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Containers.Images.Testing.Strategies;

/// <summary>Ready once <c>GET <paramref name="path"/></c> on the published <paramref name="containerPort"/>, through 127.0.0.1, answers <paramref name="status"/>.</summary>
internal sealed class HttpWaitStrategy(string path, int containerPort, HttpStatusCode status) : IWaitStrategy
{
    /// <summary>How long one request may take; a server that hangs is not ready, and the next poll asks again.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public string Description => $"HTTP GET {path} on port {containerPort} to answer {(int)status}";

    public async Task<bool> IsReadyAsync(ThrowawayContainer container, CancellationToken cancellationToken)
    {
        // Wait.ForHttp made sure the path starts with one '/', so the host stays this one.
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{container.Hostname}:{container.GetMappedPort(containerPort)}{path}"));

        // A client per check: no pooled connection outlives the container, and no proxy or redirect leads off loopback.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        request.CancelAfter(RequestTimeout);
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, request.Token).ConfigureAwait(false);
            return response.StatusCode == status;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            // Refused or reset: the forwarder accepts first and drops the connection while the
            // container does not listen, which HttpClient can report as a bare SocketException
            // (ENOTCONN from reading the peer's address of a connection already reset).
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
