using System.Formats.Tar;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Networking.Ports;
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

    private const UnixFileMode DefaultFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

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

    /// <summary>Its address on its bridge network once started; null on <c>"host"</c> or <c>"none"</c>.</summary>
    /// <exception cref="FailedPreconditionException">It has not been started.</exception>
    public IPAddress? IPAddress => Info.IPAddress;

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
            var spec = _configuration.ToRunSpec(await _configuration.ResolveImageAsync(cancellationToken).ConfigureAwait(false));
            _engine = _configuration.Engine ?? await SharedEngine.GetAsync(cancellationToken).ConfigureAwait(false);
            if (_configuration.Engine is null && spec.Network is null && spec.Ports.Count > 0)
            {
                // The shared engine's default is no network; published ports need a bridge.
                spec = spec with { Network = await SharedEngine.GetNetworkAsync(cancellationToken).ConfigureAwait(false) };
            }

            Log.Creating(_configuration.Logger, spec.Name ?? "(unnamed)", spec.Image.Digest);
            _info = await _engine.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
            await _engine.StartAsync(_info.Id, cancellationToken).ConfigureAwait(false);
            _exited = _engine.WaitAsync(_info.Id, _removed.Token);
            _info = await _engine.InspectAsync(_info.Id, cancellationToken).ConfigureAwait(false);
            Log.Started(_configuration.Logger, _info.Name, _info.Id);
            await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            _phase = Phase.Started;
            Log.Ready(_configuration.Logger, _info.Name);
        }
        finally
        {
            if (_phase == Phase.Starting && _info is not null)
            {
                // Made, but the start or the wait failed: it stays until disposed.
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

                await RemoveAnonymousVolumesAsync(info).ConfigureAwait(false);
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

    /// <summary>The host port on <see cref="Hostname"/> that forwards to TCP <paramref name="containerPort"/>, published with <see cref="ContainerBuilder.WithPortBinding(int)"/>.</summary>
    /// <exception cref="FailedPreconditionException">It has not been started.</exception>
    /// <exception cref="NotFoundException">That port is not published.</exception>
    public int GetMappedPort(int containerPort) => Info.GetHostEndPoint(containerPort).Port;

    /// <summary>Runs <paramref name="command"/> in the running container, as <c>docker exec</c> does, and returns its exit code and output.</summary>
    public Task<ExecResult> ExecAsync(params string[] command) => ExecAsync((IReadOnlyList<string>)command, CancellationToken.None);

    /// <summary>Runs <paramref name="command"/> in the running container, as <c>docker exec</c> does, and returns its exit code and output.</summary>
    /// <exception cref="FailedPreconditionException">It has not been started.</exception>
    public Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Engine.ExecAsync(Info.Id, new ExecSpec(command), cancellationToken);
    }

    /// <summary>Writes <paramref name="content"/> as the file <paramref name="containerPath"/> (owned by root, with <paramref name="mode"/>, 0644 by default), in a directory that exists.</summary>
    /// <exception cref="FailedPreconditionException">It has not been started, or the path is on a read-only filesystem.</exception>
    public async Task CopyToAsync(byte[] content, string containerPath, UnixFileMode mode = DefaultFileMode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var (directory, name) = SplitContainerPath(containerPath);
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(content, writable: false) }, cancellationToken).ConfigureAwait(false);
        }

        tar.Position = 0;
        await Engine.CopyToAsync(Info.Id, directory, tar, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the host's file or directory <paramref name="hostPath"/> (a directory with all under it) into the container's directory <paramref name="containerDirectory"/>, as <c>docker cp</c> does.</summary>
    /// <exception cref="FailedPreconditionException">It has not been started, or the directory is on a read-only filesystem.</exception>
    public async Task CopyToAsync(string hostPath, string containerDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        using var tar = new MemoryStream();
        if (Directory.Exists(source))
        {
            await TarFile.CreateFromDirectoryAsync(source, tar, includeBaseDirectory: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true);
            await writer.WriteEntryAsync(source, Path.GetFileName(source), cancellationToken).ConfigureAwait(false);
        }

        tar.Position = 0;
        await Engine.CopyToAsync(Info.Id, containerDirectory, tar, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The content of the file <paramref name="containerPath"/> in the container, running or stopped.</summary>
    /// <exception cref="NotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidArgumentException">The path is a directory, a symlink or another kind of file.</exception>
    public async Task<byte[]> ReadFileAsync(string containerPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerPath);
        using var tar = new MemoryStream();
        await Engine.CopyFromAsync(Info.Id, containerPath, tar, cancellationToken).ConfigureAwait(false);
        tar.Position = 0;
        await using var reader = new TarReader(tar);
        var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        if (entry is not { EntryType: TarEntryType.RegularFile or TarEntryType.V7RegularFile })
        {
            throw new InvalidArgumentException($"\"{containerPath}\" in container {Name} is {(entry is null ? "nothing" : $"a {entry.EntryType}")}, not a regular file; read a file (a symlink's target, not the link)");
        }

        using var content = new MemoryStream();
        if (entry.DataStream is { } data)
        {
            await data.CopyToAsync(content, cancellationToken).ConfigureAwait(false);
        }

        return content.ToArray();
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

    /// <summary>Removes the anonymous volumes the container had (the image's <c>VOLUME</c>s), as <c>docker rm -v</c> does, unless another container shares one.</summary>
    private async Task RemoveAnonymousVolumesAsync(ContainerInfo info)
    {
        var anonymous = (await Engine.ListVolumesAsync().ConfigureAwait(false)).Where(volume => volume.Anonymous).Select(volume => volume.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var mount in info.Mounts.Where(mount => mount.Kind == VolumeMountKind.Volume && anonymous.Contains(mount.Source)))
        {
            try
            {
                await Engine.RemoveVolumeAsync(mount.Source, force: true).ConfigureAwait(false);
            }
            catch (ConflictException)
            {
                // Another container uses it too.
            }
        }
    }

    /// <summary>The host port that forwards to <paramref name="containerPort"/>, or null when it is not published.</summary>
    internal int? FindMappedPort(int containerPort) =>
        Info.Ports.FirstOrDefault(port => port.ContainerPort == containerPort && port.Protocol == PortProtocol.Tcp)?.HostEndPoint.Port;

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

    private static (string Directory, string Name) SplitContainerPath(string containerPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerPath);
        var slash = containerPath.LastIndexOf('/');
        if (!containerPath.StartsWith('/') || slash == containerPath.Length - 1)
        {
            throw new InvalidArgumentException($"\"{containerPath}\" is not an absolute path of a file; give one such as /etc/app.conf");
        }

        return (slash == 0 ? "/" : containerPath[..slash], containerPath[(slash + 1)..]);
    }

    private static string Describe(ContainerInfo info) => $"{info.Name} ({info.Id[..12]})";

    private FailedPreconditionException NotStarted() =>
        new($"container {_configuration.Name ?? "(unnamed)"} has not been started; call StartAsync first");
}
