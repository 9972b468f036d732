using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Controllers.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Controllers;

/// <summary>
/// Hosts controllers, and runs them only while it leads (kube-controller-manager). Each term of
/// leading starts from nothing: fresh informers, queues and controllers, built by the factories
/// given to <see cref="Add"/>, so no state of an earlier term (expectations, caches) survives a
/// gap in which another manager acted. When leading is lost, everything stops at once and the
/// manager becomes a candidate again.
/// </summary>
public sealed partial class ControllerManager
{
    private readonly IApiClient _client;
    private readonly ILeaderElector _elector;
    private readonly ControllerManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly List<Registration> _registrations = [];
    private volatile Term? _term;
    private TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ControllerManager(IApiClient client, ILeaderElector elector, ControllerManagerOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(elector);
        _client = client;
        _elector = elector;
        _options = options ?? new();
        _time = timeProvider ?? TimeProvider.System;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<ControllerManager>();
    }

    public IApiClient Client => _client;

    /// <summary>True while this manager leads and its controllers run.</summary>
    public bool IsLeading => _term is not null;

    /// <summary>The names of the controllers added, which run in every term of leading.</summary>
    public IReadOnlyList<string> Names => [.. _registrations.Select(r => r.Name)];

    /// <summary>The controllers of the current term (empty while not leading).</summary>
    public IReadOnlyList<Controller> Controllers => _term?.Controllers ?? [];

    /// <summary>The informers of the current term, or null while not leading.</summary>
    public InformerFactory? Informers => _term?.Informers;

    /// <summary>
    /// True while leading with synced caches and every controller's queue idle: nothing is queued or
    /// being reconciled (keys waiting for a delay do not count).
    /// </summary>
    public bool IsIdle => _term is { } term && term.Informers.HasSynced && term.Controllers.All(c => c.Queue.IsIdle);

    /// <summary>
    /// Adds a controller: <paramref name="factory"/> builds it at the start of each term of leading,
    /// from a context holding the term's informers and the controller's own queue.
    /// </summary>
    public ControllerManager Add(string name, Func<ControllerContext, IReconciler> factory, int workers = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        if (_registrations.Any(r => r.Name == name))
        {
            throw new ArgumentException($"a controller named \"{name}\" is already added", nameof(name));
        }

        _registrations.Add(new Registration(name, factory, workers));
        return this;
    }

    /// <summary>Waits until this manager leads and its caches are synced.</summary>
    public Task WaitUntilLeadingAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref _leading).Task.WaitAsync(cancellationToken);

    /// <summary>Campaigns, leads, and campaigns again after a lost term, until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _elector.RunAsync(
            _options.LeaderElectionName,
            (leadership, term) =>
            {
                Log.Leading(_logger, _options.LeaderElectionName, leadership.Identity);
                return LeadAsync(term);
            },
            leadership => Log.Lost(_logger, _options.LeaderElectionName, leadership.Identity),
            cancellationToken);

    private async Task LeadAsync(CancellationToken cancellationToken)
    {
        await using var informers = new InformerFactory(_client, _time, _loggers);
        var controllers = new List<Controller>(_registrations.Count);
        foreach (var registration in _registrations)
        {
            var queue = new WorkQueue<NamespacedName>(_time);
            var context = new ControllerContext(registration.Name, _client, informers, queue, _time, _loggers);
            var reconciler = registration.Factory(context);
            controllers.Add(new Controller(registration.Name, reconciler, queue, registration.Workers, _loggers.CreateLogger("Containers.Orchestration.Controllers." + registration.Name)));
        }

        informers.Start(cancellationToken);
        try
        {
            await informers.WaitForCacheSyncAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            DisposeQueues(controllers);
            return;
        }

        _term = new Term(informers, controllers);
        Volatile.Read(ref _leading).TrySetResult();
        try
        {
            var running = controllers.Select(c => c.RunAsync(cancellationToken)).ToList();
            try
            {
                // Lead until the term ends, with or without controllers.
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            _term = null;
            Volatile.Write(ref _leading, new(TaskCreationOptions.RunContinuationsAsynchronously));
            DisposeQueues(controllers);
        }
    }

    private static void DisposeQueues(List<Controller> controllers)
    {
        foreach (var controller in controllers)
        {
            controller.Queue.Dispose();
        }
    }

    private sealed record Registration(string Name, Func<ControllerContext, IReconciler> Factory, int Workers);

    private sealed record Term(InformerFactory Informers, IReadOnlyList<Controller> Controllers);

    private static partial class Log
    {
        [LoggerMessage(EventId = 8020, Level = LogLevel.Information, Message = "Leading {Name} as {Identity}: starting the controllers")]
        public static partial void Leading(ILogger logger, string name, string identity);

        [LoggerMessage(EventId = 8021, Level = LogLevel.Warning, Message = "Lost leading {Name} as {Identity}: the controllers stopped; campaigning again")]
        public static partial void Lost(ILogger logger, string name, string identity);
    }
}
