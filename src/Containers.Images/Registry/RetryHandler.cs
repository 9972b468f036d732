using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Registry;

/// <summary>
/// The outermost handler of the registry's <see cref="HttpClient"/>: it sends a request again
/// after a transient failure (a connection refused or reset, a response cut short, 429, or a 5xx
/// other than 501 and 505), waiting with exponential backoff, or as long as <c>Retry-After</c>
/// asks (up to <see cref="RegistryOptions.MaxRetryDelay"/>). Only requests whose body can be sent
/// again are retried: no body, buffered bytes, or <see cref="ReplayableContent"/>.
/// </summary>
public sealed partial class RetryHandler : DelegatingHandler
{
    private readonly int _retries;
    private readonly TimeSpan _firstDelay;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RetryHandler(RegistryOptions? options = null, TimeProvider? timeProvider = null, ILogger<RetryHandler>? logger = null)
    {
        options ??= new RegistryOptions();
        _retries = Math.Max(0, options.RetryCount);
        _firstDelay = options.RetryDelay;
        _maxDelay = options.MaxRetryDelay;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<RetryHandler>.Instance;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var replayable = request.Content is null or ByteArrayContent or ReadOnlyMemoryContent or ReplayableContent;
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (replayable && attempt < _retries && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(attempt, _firstDelay, _maxDelay);
                LogRetryingFailure(_logger, request.Method, new LoggedUri(request.RequestUri), attempt + 1, _retries, delay, e.Message);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!replayable || attempt >= _retries || !IsTransient(response.StatusCode))
            {
                return response;
            }

            var wait = RetryAfter(response, _time.GetUtcNow(), _maxDelay) ?? Backoff(attempt, _firstDelay, _maxDelay);
            LogRetryingStatus(_logger, request.Method, new LoggedUri(request.RequestUri), (int)response.StatusCode, attempt + 1, _retries, wait);
            response.Dispose();
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>429, and the 5xx that mean "not now" rather than "never".</summary>
    internal static bool IsTransient(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests
        || (status >= HttpStatusCode.InternalServerError && status != HttpStatusCode.NotImplemented && status != HttpStatusCode.HttpVersionNotSupported);

    /// <summary>A connection that could not be made or broke: not a name that does not resolve, nor a TLS failure.</summary>
    internal static bool IsTransient(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError => true,
        HttpRequestError.Unknown => exception.InnerException is IOException or System.Net.Sockets.SocketException,
        _ => false,
    };

    /// <summary>The wait before retry <paramref name="attempt"/> (0-based): doubling from <paramref name="first"/>, with up to a fifth of jitter, capped.</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan first, TimeSpan max)
    {
        var ticks = first.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var jittered = ticks * (1 + (Random.Shared.NextDouble() * 0.2));
        return TimeSpan.FromTicks((long)Math.Min(jittered, max.Ticks));
    }

    /// <summary>What <c>Retry-After</c> asks for (seconds or a date), capped at <paramref name="max"/>; null when absent.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now, TimeSpan max)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return wait is null ? null
            : wait < TimeSpan.Zero ? TimeSpan.Zero
            : wait > max ? max
            : wait;
    }

    /// <summary>A URI for a message, without its query, which may carry upload state or a storage signature.</summary>
    internal static string Shown(Uri? uri) => new LoggedUri(uri).ToString();

    [LoggerMessage(EventId = 2651, Level = LogLevel.Information, Message = "{Method} {Uri} failed ({Error}); retry {Attempt} of {Retries} in {Delay}")]
    private static partial void LogRetryingFailure(ILogger logger, HttpMethod method, LoggedUri uri, int attempt, int retries, TimeSpan delay, string error);

    [LoggerMessage(EventId = 2652, Level = LogLevel.Information, Message = "{Method} {Uri} answered {Status}; retry {Attempt} of {Retries} in {Delay}")]
    private static partial void LogRetryingStatus(ILogger logger, HttpMethod method, LoggedUri uri, int status, int attempt, int retries, TimeSpan delay);
}
