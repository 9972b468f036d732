using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Server.Http;

/// <summary>
/// Serves an <see cref="ApiServer"/> over HTTP with Kubernetes' REST paths and JSON, on Kestrel
/// (plain HTTP on 127.0.0.1 or a unix socket: put TLS in front to serve a network). Every request
/// must carry a bearer token the authenticator knows; errors are Status objects.
/// </summary>
public sealed class ApiHttpServer : IAsyncDisposable
{
    private readonly ApiServer _server;
    private readonly ApiHttpServerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private WebApplication? _app;

    public ApiHttpServer(ApiServer server, ApiHttpServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        _server = server;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>The base address clients use, such as <c>http://127.0.0.1:6443</c>, or <c>unix:/path</c>; set once started.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("the HTTP API server is already started");
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _options.MaxRequestBodyBytes;
            if (_options.UnixSocketPath is { } socket)
            {
                File.Delete(socket);
                kestrel.ListenUnixSocket(socket);
            }
            else
            {
                kestrel.Listen(_options.Endpoint);
            }
        });
        var app = builder.Build();
        var handler = new ApiRequestHandler(_server, _options, _loggerFactory.CreateLogger<ApiHttpServer>());
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        handler.ServerAddress = Address = _options.UnixSocketPath is { } path
            ? new Uri("unix:" + Path.GetFullPath(path))
            : new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            if (_options.UnixSocketPath is { } socket)
            {
                File.Delete(socket);
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>The endpoint text for a --listen value such as <c>127.0.0.1:6443</c>.</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IPEndPoint.TryParse(text, out var endpoint)
            ? endpoint
            : throw new Containers.Errors.InvalidArgumentException($"--listen \"{text}\" is not an address and port such as 127.0.0.1:6443");
    }
}
