using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Http;
using Containers.Orchestration.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Server;

/// <summary>
/// The whole control plane in one process over one store: the API server (started, bootstrapped,
/// with its garbage collector and namespace controller), the controller manager with the
/// controllers the options register, and, when asked, the HTTP API. What
/// <c>containers cluster serve</c> runs, and what an application or a test embeds.
/// </summary>
public sealed class ControlPlane : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _controllers;

    private ControlPlane(ApiServer server, ApiHttpServer? http, ControllerManager manager, bool runControllers)
    {
        Server = server;
        Http = http;
        Controllers = manager;

        // A manager with nothing to run has no term to lead.
        _controllers = runControllers ? Task.Run(() => manager.RunAsync(_stopping.Token)) : Task.CompletedTask;
    }

    public ApiServer Server { get; }

    /// <summary>The HTTP API, when the options asked for one.</summary>
    public ApiHttpServer? Http { get; }

    public ControllerManager Controllers { get; }

    public static async Task<ControlPlane> StartAsync(
        IStateStore store,
        ControlPlaneOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new ControlPlaneOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        options.Server.LeaderElector ??= options.LeaderElector;
        var server = new ApiServer(store, options.Server, timeProvider, loggerFactory.CreateLogger<ApiServer>());
        ApiHttpServer? http = null;
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            if (options.Http is { } httpOptions)
            {
                http = new ApiHttpServer(server, httpOptions, loggerFactory);
                await http.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            var manager = new ControllerManager(
                new ApiServerClient(server, options.ControllerUser),
                options.LeaderElector ?? new InProcessLeaderElector(),
                timeProvider: timeProvider,
                loggerFactory: loggerFactory);
            foreach (var register in options.Controllers)
            {
                register(manager);
            }

            return new ControlPlane(server, http, manager, options.Controllers.Count > 0);
        }
        catch
        {
            if (http is not null)
            {
                await http.DisposeAsync().ConfigureAwait(false);
            }

            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A client that acts as <paramref name="user"/> through the API server.</summary>
    public IApiClient ClientFor(UserInfo user) => new ApiServerClient(Server, user);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _controllers.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        if (Http is not null)
        {
            await Http.DisposeAsync().ConfigureAwait(false);
        }

        await Server.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
