using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using Containers.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Registry;

/// <summary>
/// A client of the OCI distribution API: pull images into the local store, push them out, list
/// tags, delete manifests and find referrers. Everything a registry sends is checked before it is
/// kept: each blob against its digest and size as it streams in, each manifest against the digest
/// it was asked by (or recorded under its own), with size limits on every document.
/// </summary>
/// <remarks>
/// All HTTP goes through one <see cref="HttpClient"/> over <see cref="RetryHandler"/>, then the
/// authentication handler, then a <see cref="SocketsHttpHandler"/> that does not follow redirects:
/// the client follows them itself (at most 10, never from HTTPS down to HTTP), keeping
/// <see cref="RegistryRequestOptions.Registry"/> on every hop so that credentials go only to the
/// registry itself.
/// </remarks>
public sealed partial class RegistryClient : IDisposable
{
    /// <summary>The most redirects one request follows.</summary>
    public const int MaxRedirects = 10;

    /// <summary>Every manifest and index type the client reads, for <c>Accept</c>.</summary>
    internal static readonly IReadOnlyList<MediaType> ManifestTypes =
        [MediaType.OciManifest, MediaType.OciIndex, MediaType.DockerManifest, MediaType.DockerManifestList];

    private readonly HttpClient _http;
    private readonly RegistryOptions _options;
    private readonly RegistryEndpoints _endpoints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _schemes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A client over its own handler chain, with <paramref name="authentication"/> (if any) between the retries and the sockets.</summary>
    /// <param name="authentication">The authentication handler (a fresh instance, not in another chain); null for anonymous access.</param>
    public RegistryClient(RegistryOptions? options = null, DelegatingHandler? authentication = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(CreateHandler(options ??= new RegistryOptions(), authentication, timeProvider, loggerFactory), options, timeProvider, loggerFactory?.CreateLogger<RegistryClient>())
    {
    }

    /// <summary>A client over a handler chain built by the caller (usually with <see cref="CreateHandler"/>); the client disposes it.</summary>
    public RegistryClient(HttpMessageHandler handler, RegistryOptions? options = null, TimeProvider? timeProvider = null, ILogger<RegistryClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _options = options ?? new RegistryOptions();
        if (_options.MaxParallelDownloads < 1 || _options.MaxParallelUploads < 1 || _options.MaxManifestSize < 1 || _options.ChunkSize < 0)
        {
            throw new InvalidArgumentException("registry options need MaxParallelDownloads, MaxParallelUploads and MaxManifestSize of at least 1, and a ChunkSize of 0 or more");
        }

        _endpoints = new RegistryEndpoints(_options);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.TryParseAdd(_options.UserAgent);
    }

    /// <summary>The options the client was made with.</summary>
    public RegistryOptions Options => _options;

    /// <summary>
    /// The handler chain every registry request goes through: <see cref="RetryHandler"/>, then
    /// <paramref name="authentication"/> when given, then a <see cref="SocketsHttpHandler"/> that
    /// follows no redirects, decompresses nothing, and skips certificate checks only for insecure
    /// and loopback registries.
    /// </summary>
    public static HttpMessageHandler CreateHandler(RegistryOptions options, DelegatingHandler? authentication = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoints = new RegistryEndpoints(options);
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(options.MaxParallelDownloads, options.MaxParallelUploads) + 2,
        };
        sockets.SslOptions.RemoteCertificateValidationCallback = (sender, _, _, errors) =>
            errors == SslPolicyErrors.None || (sender is SslStream stream && endpoints.IsInsecureHost(stream.TargetHostName));
        HttpMessageHandler inner = sockets;
        if (authentication is not null)
        {
            // The registry's token realm may be plain HTTP only on a host the user marked insecure.
            if (authentication is Auth.RegistryAuthHandler auth && auth.InsecureHosts.Count == 0)
            {
                auth.InsecureHosts = [.. options.InsecureRegistries];
            }

            authentication.InnerHandler = sockets;
            inner = authentication;
        }

        return new RetryHandler(options, timeProvider, loggerFactory?.CreateLogger<RetryHandler>()) { InnerHandler = inner };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The base URI of an endpoint (<c>https://host:port/</c>), choosing HTTP only where allowed and TLS is not spoken.</summary>
    internal async Task<Uri> BaseUriAsync(RegistryEndpoint endpoint, CancellationToken cancellationToken)
    {
        var scheme = endpoint.Scheme ?? (endpoint.Insecure
            ? await _schemes.GetOrAdd(endpoint.Authority, a => new Lazy<Task<string>>(() => ProbeSchemeAsync(a))).Value.WaitAsync(cancellationToken).ConfigureAwait(false)
            : Uri.UriSchemeHttps);
        return new Uri($"{scheme}://{endpoint.Authority}/");
    }

    /// <summary>
    /// For an insecure registry, as Docker does: HTTPS if the registry speaks TLS (certificate
    /// unchecked), plain HTTP otherwise.
    /// </summary>
    private async Task<string> ProbeSchemeAsync(string authority)
    {
        var uri = new Uri($"https://{authority}/v2/");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Options.Set(RegistryRequestOptions.Registry, uri.Authority);
            using var timeout = new CancellationTokenSource(_options.StallTimeout, _time);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return Uri.UriSchemeHttps;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            LogPlainHttp(_logger, authority, e.Message);
            return Uri.UriSchemeHttp;
        }
    }

    /// <summary>
    /// Sends a request to a registry, following redirects itself: at most <see cref="MaxRedirects"/>,
    /// never from HTTPS to HTTP, each hop marked with the registry the operation targets (so the
    /// authentication handler keeps credentials to it) and the scope it needs.
    /// </summary>
    /// <param name="prepare">Sets headers and content on each hop's request; content must be replayable to follow a 307/308.</param>
    internal async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        Uri uri,
        string registry,
        string? scope,
        Action<HttpRequestMessage>? prepare,
        string operation,
        string reference,
        CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            var request = new HttpRequestMessage(method, uri);
            request.Options.Set(RegistryRequestOptions.Registry, registry);
            if (scope is not null)
            {
                request.Options.Set(RegistryRequestOptions.Scope, scope);
            }

            prepare?.Invoke(request);
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (hop >= MaxRedirects)
            {
                throw new InvalidArgumentException($"{operation} {reference}: the registry redirected more than {MaxRedirects} times; refusing to follow it further (at {RetryHandler.Shown(next)})");
            }

            if (next.Scheme is not ("http" or "https"))
            {
                throw new InvalidArgumentException($"{operation} {reference}: the registry redirected to \"{next.Scheme}:\", which is not HTTP; refusing to follow it");
            }

            if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidArgumentException(
                    $"{operation} {reference}: {RetryHandler.Shown(uri)} redirected from HTTPS to plain HTTP ({RetryHandler.Shown(next)}); refusing the downgrade");
            }

            if (request.Content is not null && request.Content is not (ByteArrayContent or ReadOnlyMemoryContent or ReplayableContent)
                && response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect)
            {
                throw new FailedPreconditionException($"{operation} {reference}: the registry redirected an upload whose body cannot be sent again");
            }

            // 303, and 301/302 after a POST, turn into a GET without a body (RFC 9110).
            if (response.StatusCode == HttpStatusCode.SeeOther
                || (method == HttpMethod.Post && response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found))
            {
                method = HttpMethod.Get;
                prepare = WithoutContent(prepare);
            }

            LogRedirected(_logger, new LoggedUri(uri), new LoggedUri(next));
            uri = next;
        }
    }

    /// <summary>Sends and insists on a success status; any other becomes a <see cref="RegistryException"/>.</summary>
    internal async Task<HttpResponseMessage> SendOkAsync(
        HttpMethod method,
        Uri uri,
        string registry,
        string? scope,
        Action<HttpRequestMessage>? prepare,
        string operation,
        string reference,
        CancellationToken cancellationToken)
    {
        var response = await SendAsync(method, uri, registry, scope, prepare, operation, reference, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await RegistryException.FromResponseAsync(response, operation, reference, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The scope of a pull from <paramref name="repository"/>.</summary>
    internal static string PullScope(string repository) => $"repository:{repository}:pull";

    /// <summary>The scope of a push to <paramref name="repository"/>.</summary>
    internal static string PushScope(string repository) => $"repository:{repository}:pull,push";

    /// <summary>A header value the registry sent, trimmed; null when absent or empty.</summary>
    internal static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()?.Trim() is { Length: > 0 } value ? value : null
            : null;

    /// <summary>Sets <c>Accept</c> to the given media types.</summary>
    internal static void Accept(HttpRequestMessage request, IEnumerable<MediaType> types)
    {
        foreach (var type in types)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type.Essence));
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static Action<HttpRequestMessage> WithoutContent(Action<HttpRequestMessage>? prepare) => request =>
    {
        prepare?.Invoke(request);
        request.Content = null;
    };
}
