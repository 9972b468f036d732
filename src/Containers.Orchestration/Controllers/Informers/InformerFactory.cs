using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Controllers.Informers;

/// <summary>
/// Hands out informers and runs them (client-go's SharedInformerFactory): <see cref="For{T}"/> gives
/// every controller the same informer per kind, so one watch and one cache serve them all. Informers
/// asked for after <see cref="Start"/> start at once.
/// </summary>
public sealed class InformerFactory : IAsyncDisposable
{
    private readonly IApiClient _client;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly Lock _lock = new();
    private readonly Dictionary<Type, IInformer> _shared = [];
    private readonly List<IInformer> _all = [];
    private readonly List<Task> _running = [];
    private CancellationTokenSource? _stop;

    public InformerFactory(IApiClient client, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = timeProvider ?? TimeProvider.System;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    }

    public IApiClient Client => _client;

    /// <summary>Every informer made so far.</summary>
    public IReadOnlyList<IInformer> Informers
    {
        get
        {
            lock (_lock)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>The shared informer of every <typeparamref name="T"/> in every namespace.</summary>
    public Informer<T> For<T>()
        where T : KubeObject
    {
        lock (_lock)
        {
            if (_shared.TryGetValue(typeof(T), out var existing))
            {
                return (Informer<T>)existing;
            }

            var informer = CreateLocked<T>(InformerOptions.Default);
            _shared[typeof(T)] = informer;
            return informer;
        }
    }

    /// <summary>An informer of its own, for a filtered view (one namespace, a selector).</summary>
    public Informer<T> Create<T>(InformerOptions options)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_lock)
        {
            return CreateLocked<T>(options);
        }
    }

    /// <summary>Runs every informer, and those made later, until <see cref="StopAsync"/> or <paramref name="cancellationToken"/>.</summary>
    public void Start(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_stop is not null)
            {
                return;
            }

            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            foreach (var informer in _all)
            {
                _running.Add(RunLocked(informer));
            }
        }
    }

    /// <summary>True when every informer has its first list.</summary>
    public bool HasSynced => Informers.All(i => i.HasSynced);

    /// <summary>Waits until every informer made so far has its first list.</summary>
    public Task WaitForCacheSyncAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Informers.Select(i => i.WaitForSyncAsync(cancellationToken)));

    /// <summary>Stops every informer and waits for their loops to end.</summary>
    public async Task StopAsync()
    {
        Task[] running;
        lock (_lock)
        {
            _stop?.Cancel();
            running = [.. _running];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop?.Dispose();
    }

    private Informer<T> CreateLocked<T>(InformerOptions options)
        where T : KubeObject
    {
        var informer = new Informer<T>(_client, options, _time, _loggers.CreateLogger<Informer<T>>());
        _all.Add(informer);
        if (_stop is not null)
        {
            _running.Add(RunLocked(informer));
        }

        return informer;
    }

    private Task RunLocked(IInformer informer)
    {
        var token = _stop!.Token;
        return Task.Run(() => informer.RunAsync(token), CancellationToken.None);
    }
}
