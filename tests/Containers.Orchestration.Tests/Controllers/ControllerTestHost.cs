using System.Collections.Concurrent;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Controllers;

/// <summary>
/// A controller manager over an in-memory store in virtual time, for controller acceptance tests:
/// the test moves the clock with <see cref="AdvanceAsync"/>, and waits for the controllers with
/// <see cref="SettleAsync"/> (nothing left to do) or <see cref="Eventually"/> (a condition holds).
/// </summary>
internal sealed class ControllerTestHost : IAsyncDisposable
{
    /// <summary>Midnight UTC on 1 January 2025, a Wednesday: where virtual time starts by default.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly EmbeddedStateStore _store;
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    private ControllerTestHost(DateTimeOffset start)
    {
        Time = new FakeTimeProvider(start);
        Time.SetLocalTimeZone(TimeZoneInfo.Utc);
        _store = EmbeddedStateStore.CreateInMemory(timeProvider: Time);
        Client = new RecordingApiClient(new StoreApiClient(_store, Time));
        Manager = new ControllerManager(Client, new InProcessLeaderElector(), timeProvider: Time, loggerFactory: Logs);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>What the controllers and the test read and write through; it remembers deletes.</summary>
    public RecordingApiClient Client { get; }

    public ControllerManager Manager { get; }

    /// <summary>What the controllers logged, as Kubernetes' events would have shown it.</summary>
    public RecordingLoggerFactory Logs { get; } = new();

    /// <summary>Starts a host whose manager runs what <paramref name="register"/> adds (before the manager starts leading).</summary>
    public static async Task<ControllerTestHost> StartAsync(Action<ControllerTestHost> register, DateTimeOffset? start = null)
    {
        var host = new ControllerTestHost(start ?? DefaultStart);
        register(host);
        host._run = host.Manager.RunAsync(host._stop.Token);
        await host.Manager.WaitUntilLeadingAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return host;
    }

    /// <summary>Moves virtual time on, then waits until the controllers have nothing left to do.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    /// <summary>Waits until every queue has stayed idle for a while (watch events in flight land first).</summary>
    public async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var quiet = 0;
        while (quiet < 15)
        {
            quiet = Manager.IsIdle ? quiet + 1 : 0;
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("the controllers did not settle");
            }

            await Task.Delay(2);
        }
    }

    public async Task<IReadOnlyList<T>> ListAsync<T>(string ns = "default")
        where T : KubeObject =>
        [.. (await Client.ListAsync<T>(ns)).OrderBy(o => o.Metadata.CreationTimestamp).ThenBy(o => o.Name, StringComparer.Ordinal)];

    public async Task<T> GetAsync<T>(string name, string ns = "default")
        where T : KubeObject =>
        await Client.GetAsync<T>(new NamespacedName(ns, name)) ?? throw new AssertionException($"{typeof(T).Name} {ns}/{name} does not exist");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(20));
        }

        await _store.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>An <see cref="IApiClient"/> that passes everything on and remembers the deletes it was asked for.</summary>
internal sealed class RecordingApiClient(IApiClient inner) : IApiClient
{
    public ConcurrentQueue<(string Kind, NamespacedName Name, DeleteOptions? Options)> Deletes { get; } = new();

    public ResourceRegistry Registry => inner.Registry;

    public ValueTask<KubeObject?> GetAsync(ResourceType type, NamespacedName name, CancellationToken cancellationToken = default) => inner.GetAsync(type, name, cancellationToken);

    public ValueTask<ListResult> ListAsync(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) => inner.ListAsync(type, @namespace, options, cancellationToken);

    public ValueTask<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => inner.CreateAsync(obj, cancellationToken);

    public ValueTask<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => inner.UpdateAsync(obj, cancellationToken);

    public ValueTask<T> UpdateStatusAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : KubeObject => inner.UpdateStatusAsync(obj, cancellationToken);

    public ValueTask DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        Deletes.Enqueue((type.Kind, name, options));
        return inner.DeleteAsync(type, name, options, cancellationToken);
    }

    public ValueTask BindAsync(NamespacedName pod, string podUid, string nodeName, CancellationToken cancellationToken = default) => inner.BindAsync(pod, podUid, nodeName, cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default) => inner.WatchAsync(type, @namespace, options, cancellationToken);
}

/// <summary>Keeps every message logged at Information or above.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(Messages);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                messages.Enqueue(formatter(state, exception));
            }
        }
    }
}
