using System.Runtime.CompilerServices;
using System.Text;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Processes;

namespace Containers.Images.Testing;

/// <summary>
/// A container for one test, made by <see cref="ContainerBuilder.Build"/>.
/// <see cref="StartAsync"/> creates and starts it and waits until its wait strategies pass;
/// <see cref="DisposeAsync"/> kills and removes it with everything it had. If the test process
/// dies first, even by SIGKILL, the container dies with it.
/// </summary>
public sealed partial class ThrowawayContainer : IAsyncDisposable
{
    /// <summary>How often the wait strategies are checked.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(10);

    private readonly ContainerConfiguration _configuration;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly CancellationTokenSource _removed = new();
    private ContainerEngine? _engine;
    private ContainerInfo? _info;
    private Task<ExitStatus>? _exited;
    private Phase _phase;

    internal ThrowawayContainer(ContainerConfiguration configuration) => _configuration = configuration;

    private enum Phase
    {
        Unstarted,
        Starting,
        Started,
        Stopped,
        Removed,
    }

    /// <summary>The container's 64-hex id, once started.</summary>
    /// <exception cref="FailedPreconditionException">It has not been started.</exception>
    public string Id => Info.Id;

    /// <summary>The container's name: the one given to the builder, or once started, its short id.</summary>
    /// <exception cref="FailedPreconditionException">It has no name given and has not been started.</exception>
    public string Name => _info?.Name ?? _configuration.Name ?? throw NotStarted();

    /// <summary>The host to reach its published ports on: <c>127.0.0.1</c>, where they listen.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An instance member in Testcontainers' shape; a container may one day listen elsewhere.")]
    public string Hostname => "127.0.0.1";

    /// <summary>Where it is in its life; <see cref="ThrowawayContainerState.Exited"/> as soon as its process has ended.</summary>
    public ThrowawayContainerState State => _phase switch
    {
        Phase.Unstarted => ThrowawayContainerState.Unstarted,
        Phase.Removed => ThrowawayContainerState.Removed,
        _ when _exited?.IsCompleted == true || _phase == Phase.Stopped => ThrowawayContainerState.Exited,
        Phase.Starting => ThrowawayContainerState.Starting,
        _ => ThrowawayContainerState.Running,
    };

    /// <summary>Its exit code once its process has ended (128 + the signal when one killed it); null until then.</summary>
    public int? ExitCode => _exited is { IsCompletedSuccessfully: true } exited ? exited.Result.ExitCode : null;

    private ContainerInfo Info => _info ?? throw NotStarted();

    private ContainerEngine Engine => _engine ?? throw NotStarted();

    /// <summary>
    /// Creates and starts the container, then checks its wait strategies until all pass. Once
    /// this returns, the container runs and is ready.
    /// </summary>
    /// <exception cref="WaitStrategyTimeoutException">A strategy had not passed when the startup timeout ran out.</exception>
    /// <exception cref="FailedPreconditionException">The container exited before it was ready (the message has its exit code and last log lines), or it was started before.</exception>
    /// <remarks>When the start fails after the container was made, the container stays for inspection until <see cref="DisposeAsync"/>.</remarks>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_phase != Phase.Unstarted)
            {
                throw new FailedPreconditionException($"container {Name} has been started before; a throwaway container starts once, so build another from the builder");
            }

            _phase = Phase.Starting;
            var spec = _configuration.ToRunSpec();
            _engine = _configuration.Engine ?? SharedEngine.Instance;
            Log.Creating(_configuration.Logger, spec.Name ?? "(unnamed)", spec.Image.Digest);
            _info = await _engine.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
            await _engine.StartAsync(_info.Id, cancellationToken).ConfigureAwait(false);
            _exited = _engine.WaitAsync(_info.Id, _removed.Token);
            _info = await _engine.InspectAsync(_info.Id, cancellationToken).ConfigureAwait(false);
            _phase = Phase.Started;
            Log.Started(_configuration.Logger, _info.Name, _info.Id);
            await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            Log.Ready(_configuration.Logger, _info.Name);
        }
        finally
        {
            if (_phase == Phase.Starting && _info is not null)
            {
                // Created but the start itself failed: it is there to remove.
                _phase = Phase.Started;
            }
            else if (_phase == Phase.Starting)
            {
                _phase = Phase.Unstarted;
            }

            _lifecycle.Release();
        }
    }

    /// <summary>Stops the container as <c>docker stop</c> does: its stop signal, then SIGKILL after ten seconds. It stays until disposed.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopAsync(DefaultStopGrace, cancellationToken);

    /// <summary>Stops the container: its stop signal, then SIGKILL once <paramref name="grace"/> has passed. It stays until disposed.</summary>
    /// <exception cref="FailedPreconditionException">It has not been started, or has been disposed.</exception>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_phase is Phase.Unstarted or Phase.Removed)
            {
                throw new FailedPreconditionException($"container {_info?.Name ?? _configuration.Name ?? "(unstarted)"} is {(_phase == Phase.Removed ? "removed" : "not started")}; there is nothing to stop");
            }

            await Engine.StopAsync(Info.Id, grace, cancellationToken).ConfigureAwait(false);
            _phase = Phase.Stopped;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Kills and removes the container: its processes, rootfs mount, writable snapshot, log and state. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_phase == Phase.Removed)
            {
                return;
            }

            if (_info is { } info)
            {
                try
                {
                    await Engine.RemoveAsync(info.Id, force: true).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    // Removed by its engine's owner already.
                }

                Log.Removed(_configuration.Logger, info.Name, info.Id);
            }

            _phase = Phase.Removed;
            await _removed.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }

        if (_exited is { } exited)
        {
            await ((Task)exited).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _removed.Dispose();
    }

    /// <summary>Everything the container has written so far, stdout and stderr apart.</summary>
    public async Task<(string Stdout, string Stderr)> GetLogsAsync(CancellationToken cancellationToken = default)
    {
        StringBuilder stdout = new(), stderr = new();
        await foreach (var entry in ReadLogAsync(cancellationToken).ConfigureAwait(false))
        {
            (entry.Source == LogSource.Stdout ? stdout : stderr).Append(entry.Text);
        }

        return (stdout.ToString(), stderr.ToString());
    }

    /// <summary>The container's log lines so far, for wait strategies.</summary>
    internal async IAsyncEnumerable<LogEntry> ReadLogAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var entry in Engine.LogsAsync(Info.Id, follow: false, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <summary>Whether <paramref name="path"/> exists in the running container, as its processes see it; false once it has exited.</summary>
    internal bool FileExists(string path) => Info.Pid > 0 && _exited?.IsCompleted != true && ContainerFiles.Exists(Info.Pid, path);

    /// <summary>The host pid of the container's main process while it runs.</summary>
    internal int Pid => Info.Pid;

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var info = Info;
        var exited = _exited!;
        var timeout = _configuration.StartupTimeout;
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        foreach (var strategy in _configuration.WaitStrategies)
        {
            Log.Waiting(_configuration.Logger, info.Name, strategy.Description);
            try
            {
                while (!await strategy.IsReadyAsync(this, linked.Token).ConfigureAwait(false))
                {
                    if (exited.IsCompleted)
                    {
                        var status = await exited.ConfigureAwait(false);
                        var tail = await LogTail.ReadAsync(Engine, info.Id, CancellationToken.None).ConfigureAwait(false);
                        throw new FailedPreconditionException(
                            $"container {Describe(info)} exited with code {status.ExitCode} ({status}) before it was ready, while waiting for {strategy.Description}; fix its command or image. {LogTail.Format(tail)}");
                    }

                    // Sooner if it exits meanwhile.
                    await Task.WhenAny(Task.Delay(PollInterval, linked.Token), exited).ConfigureAwait(false);
                    linked.Token.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var tail = await LogTail.ReadAsync(Engine, info.Id, CancellationToken.None).ConfigureAwait(false);
                throw new WaitStrategyTimeoutException(strategy.Description, Describe(info), timeout, tail);
            }
        }
    }

    private static string Describe(ContainerInfo info) => $"{info.Name} ({info.Id[..12]})";

    private FailedPreconditionException NotStarted() =>
        new($"container {_configuration.Name ?? "(unnamed)"} has not been started; call StartAsync first");
}
