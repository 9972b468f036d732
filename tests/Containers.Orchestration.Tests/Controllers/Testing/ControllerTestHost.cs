using System.Collections.Concurrent;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Containers.Orchestration.Tests.Controllers.Testing;

/// <summary>
/// A <see cref="VirtualCluster"/> (no nodes) whose controllers go through a client that remembers
/// their deletes and log to a recorder, as the batch and autoscaling tests check Kubernetes' delete
/// propagation and event reasons; with reads that fail when the object is missing, and lists in
/// creation order.
/// </summary>
internal sealed class ControllerTestHost : IAsyncDisposable
{
    private VirtualCluster _cluster = null!;

    private ControllerTestHost()
    {
    }

    /// <summary>Where virtual time starts.</summary>
    public static DateTimeOffset DefaultStart => VirtualCluster.Epoch;

    public FakeTimeProvider Time => _cluster.Time;

    /// <summary>What the controllers and the test read and write through; it remembers deletes.</summary>
    public RecordingApiClient Client { get; private set; } = null!;

    public ControllerManager Manager => _cluster.Manager;

    /// <summary>What the controllers logged, as Kubernetes' events would have shown it.</summary>
    public RecordingLoggerFactory Logs { get; } = new();

    /// <summary>Starts a host whose manager runs what <paramref name="register"/> adds (before the manager starts leading).</summary>
    public static async Task<ControllerTestHost> StartAsync(Action<ControllerTestHost> register)
    {
        var host = new ControllerTestHost();
        host._cluster = await VirtualCluster.StartConfiguredAsync(
            cluster =>
            {
                host._cluster = cluster;
                register(host);
            },
            wrapClient: inner => host.Client = new RecordingApiClient(inner),
            loggerFactory: host.Logs);
        return host;
    }

    /// <summary>Moves virtual time on in one step, then waits until the controllers have nothing left to do.</summary>
    public Task AdvanceAsync(TimeSpan by) => _cluster.AdvanceAsync(by, by);

    /// <summary>Waits until every queue is idle and every cache has seen every write.</summary>
    public Task SettleAsync() => _cluster.SettleAsync();

    public async Task<IReadOnlyList<T>> ListAsync<T>(string ns = "default")
        where T : KubeObject =>
        [.. (await Client.ListAsync<T>(ns)).OrderBy(o => o.Metadata.CreationTimestamp).ThenBy(o => o.Name, StringComparer.Ordinal)];

    public async Task<T> GetAsync<T>(string name, string ns = "default")
        where T : KubeObject =>
        await Client.GetAsync<T>(new NamespacedName(ns, name)) ?? throw new AssertionException($"{typeof(T).Name} {ns}/{name} does not exist");

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}

/// <summary>A client that remembers the deletes it was asked for.</summary>
internal sealed class RecordingApiClient(IApiClient inner) : DelegatingApiClient(inner)
{
    public ConcurrentQueue<(string Kind, NamespacedName Name, DeleteOptions? Options)> Deletes { get; } = new();

    public override ValueTask DeleteAsync(ResourceType type, NamespacedName name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        Deletes.Enqueue((type.Kind, name, options));
        return base.DeleteAsync(type, name, options, cancellationToken);
    }
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
