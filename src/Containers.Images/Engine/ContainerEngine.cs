using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Containers.Errors;
using Containers.Images.Json;
using Containers.Images.Layers;
using Containers.Images.Snapshots;
using Containers.Linux;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Spec;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Engine;

/// <summary>
/// The core of <c>docker run</c>, with no daemon: an image becomes a container on a writable
/// snapshot of its layers, run by an <see cref="IContainerRuntime"/>, with its output kept in a
/// json-file log. State lives under <see cref="EngineOptions.Root"/>:
/// <c>containers/&lt;id&gt;/</c> holds the bundle's <c>config.json</c>, the <c>rootfs</c> mount point,
/// <c>log.jsonl</c> and the engine's <c>container.json</c>. Containers are named by their 64-hex
/// id, a unique prefix of it, or their unique name.
/// </summary>
public sealed partial class ContainerEngine : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const string RecordFile = "container.json";
    private const string LogFile = "log.jsonl";
    private const string RootfsDir = "rootfs";

    /// <summary>The capabilities Docker grants a container by default.</summary>
    private static readonly string[] DockerCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private readonly EngineOptions _options;
    private readonly IContainerRuntime _runtime;
    private readonly BuiltinRuntime? _ownedRuntime;
    private readonly ISnapshotter _snapshotter;
    private readonly LayerUnpacker _unpacker = new();
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _registry = new(1, 1);
    private readonly Dictionary<string, Entry> _containers = new(StringComparer.Ordinal);
    private readonly string _containersRoot;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();

    /// <summary>
    /// An engine on <paramref name="options"/>' root. Without <paramref name="runtime"/>, it makes
    /// (and owns) a built-in runtime whose state is in <c>&lt;root&gt;/run</c>; without
    /// <paramref name="snapshotter"/>, it picks overlay or native for <c>&lt;root&gt;/snapshots</c>.
    /// Containers recorded under the root by an earlier engine are listed again, and the exit of
    /// those that had started is recorded when the runtime reports it (their output is not read again).
    /// </summary>
    public ContainerEngine(EngineOptions? options = null, IContainerRuntime? runtime = null, ISnapshotter? snapshotter = null, TimeProvider? timeProvider = null, ILogger<ContainerEngine>? logger = null)
    {
        _logger = logger ?? NullLogger<ContainerEngine>.Instance;
        _options = options ?? new EngineOptions();
        var root = Path.GetFullPath(_options.Root);
        _time = timeProvider ?? TimeProvider.System;
        if (runtime is null)
        {
            _ownedRuntime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = Path.Combine(root, "run") });
            runtime = _ownedRuntime;
        }

        _runtime = runtime;
        _snapshotter = snapshotter ?? SnapshotterSelector.Select(new SnapshotterOptions { Root = Path.Combine(root, "snapshots") }, _time);
        _containersRoot = Path.Combine(root, "containers");
        Directory.CreateDirectory(_containersRoot);
        SweepOwnerDeathRemainsAsync().GetAwaiter().GetResult();
        foreach (var dir in Directory.EnumerateDirectories(_containersRoot))
        {
            if (ReadRecordFrom(dir) is { } record)
            {
                // A restart that an earlier engine had pending went with it.
                var entry = new Entry(record with { Restarting = false }, dir);
                _containers[record.Id] = entry;
                if (record.Finished is not null)
                {
                    entry.Exited.TrySetResult(new ExitStatus(record.ExitCode ?? 0, record.ExitSignal));
                }
                else if (record.Started is not null)
                {
                    Log.Recovered(_logger, record.Id, record.Name);
                    entry.Monitor = Task.Run(() => MonitorAsync(entry), CancellationToken.None);
                }
            }
        }

        _networkReconcile = Task.Run(ReconcileNetworksAsync, CancellationToken.None);
    }

    /// <summary>
    /// Makes a container from <paramref name="spec"/>, as <c>docker create</c> does: unpacks the
    /// image, mounts a fresh writable snapshot as its rootfs, writes its OCI spec and creates it in
    /// the runtime, whose shim writes its stdout and stderr to the log. It waits for <see cref="StartAsync"/>.
    /// </summary>
    /// <exception cref="AlreadyExistsException">Another container has the name.</exception>
    /// <exception cref="InvalidArgumentException">The name, command, working directory or user is not valid.</exception>
    /// <exception cref="NotFoundException">Its network does not exist.</exception>
    public async Task<ContainerInfo> CreateAsync(ContainerRunSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = SecureRandom.HexString(64);
        var name = spec.Name ?? id[..12];
        if (!NamePattern().IsMatch(name))
        {
            throw new InvalidArgumentException($"container name \"{name}\" is not valid; use [a-zA-Z0-9][a-zA-Z0-9_.-]+");
        }

        CheckRestartPolicy(spec);
        var networking = await ResolveNetworkAsync(spec, id, cancellationToken).ConfigureAwait(false);
        var imageConfig = spec.Image.Config.Config;
        var (volumeMounts, anonymousVolumes) = ResolveMounts(spec);
        var record = new StoredContainer
        {
            Id = id,
            Name = name,
            Image = spec.Image.Digest,
            ImageName = spec.ImageName,
            SnapshotKey = SnapshotKeyOf(id),
            StopSignal = imageConfig?.StopSignal is { Length: > 0 } stop ? Signals.Parse(stop) : SigTerm,
            AutoRemove = spec.AutoRemove,
            Labels = spec.Labels.Count > 0 ? new Dictionary<string, string>(spec.Labels, StringComparer.Ordinal) : null,
            Created = _time.GetUtcNow(),
            OwnerPid = Owner?.Pid ?? 0,
            OwnerStartTime = Owner?.StartTime ?? 0,
            Mounts = volumeMounts,
            Restart = spec.Restart.Kind == RestartPolicyKind.No ? null : spec.Restart.ToString(),
            Networking = networking,
            Config = CommitConfig.FromRun(imageConfig, spec),
        };

        var dir = Path.Combine(_containersRoot, id);
        var entry = new Entry(record, dir) { Reserved = true, Image = spec.Image };
        await _registry.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_containers.Values.FirstOrDefault(other => other.Record.Name == name) is { } clash)
            {
                throw new AlreadyExistsException($"container name \"{name}\" is already in use by container {clash.Record.Id[..12]}; remove that container or choose another name");
            }

            // Reserved under the lock; the rest happens outside it.
            _containers[id] = entry;
        }
        finally
        {
            _registry.Release();
        }

        var prepared = false;
        try
        {
            var unpacked = await _unpacker.UnpackAsync(spec.Image, _snapshotter, cancellationToken: cancellationToken).ConfigureAwait(false);
            var rootfs = Directory.CreateDirectory(Path.Combine(dir, RootfsDir)).FullName;
            var init = await InitLayer.EnsureAsync(_snapshotter, unpacked.ChainId.ToString(), Path.Combine(dir, "init"), cancellationToken).ConfigureAwait(false);
            var mounts = await _snapshotter.PrepareAsync(record.SnapshotKey, init, cancellationToken: cancellationToken).ConfigureAwait(false);
            prepared = true;
            SnapshotMounter.MountAll(mounts, rootfs);

            var oci = await WithNetworkingAsync(BuildSpec(spec with { Hostname = networking.Hostname }, id, rootfs), networking, dir, cancellationToken).ConfigureAwait(false);
            oci = oci with { Mounts = [.. oci.Mounts ?? [], .. await PrepareMountsAsync(record, anonymousVolumes, rootfs, cancellationToken).ConfigureAwait(false)] };
            // A container that dies with the engine leaves nothing to start again after a power cut.
            await OciSpecs.SaveAsync(oci, dir, durable: !_options.ContainersDieWithEngine, cancellationToken: cancellationToken).ConfigureAwait(false);
            await SaveAsync(entry, record with { Args = oci.Process?.Args ?? [] }, CancellationToken.None).ConfigureAwait(false);
            await CreateInRuntimeAsync(entry, cancellationToken).ConfigureAwait(false);
            entry.Reserved = false;
            Log.Created(_logger, id, name, record.Image);
            return await InfoAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (entry.Created is not null)
            {
                // The runtime made it before a later step failed.
                await _runtime.DeleteAsync(id, force: true, CancellationToken.None).ConfigureAwait(false);
            }

            await TearDownAsync(entry, prepared).ConfigureAwait(false);
            await RemoveAnonymousVolumesAsync(record).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates and starts a container, as <c>docker run -d</c> does.</summary>
    public async Task<ContainerInfo> RunAsync(ContainerRunSpec spec, CancellationToken cancellationToken = default)
    {
        var info = await CreateAsync(spec, cancellationToken).ConfigureAwait(false);
        await StartAsync(info.Id, cancellationToken).ConfigureAwait(false);
        try
        {
            return await InspectAsync(info.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException) when (spec.AutoRemove)
        {
            // It ran, exited and was removed already.
            return info with { Status = ContainerStatus.Stopped };
        }
    }

    /// <summary>
    /// Starts a container's program, as <c>docker start</c> does; once it exits, its exit code is
    /// recorded, and its restart policy applied (or with <see cref="ContainerRunSpec.AutoRemove"/>, it
    /// is removed). A stopped container starts again on the same rootfs, its writable layer kept and
    /// its log appended to; a running one is left as it is. Its restart count starts again from 0.
    /// </summary>
    public async Task StartAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Record.Started is not null || entry.Created is null)
            {
                // It ran before, or an earlier engine created it.
                if (entry.Record.Restarting || await StatusAsync(entry, cancellationToken).ConfigureAwait(false) is ContainerStatus.Running or ContainerStatus.Paused)
                {
                    return;
                }

                await RecreateAsync(entry, cancellationToken).ConfigureAwait(false);
            }

            entry.Restarts.Reset();
            await LaunchAsync(entry, restartCount: 0, cancellationToken).ConfigureAwait(false);
            entry.Monitor = Task.Run(() => MonitorAsync(entry), CancellationToken.None);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>
    /// Stops a running container as <c>docker stop</c> does: its stop signal (SIGTERM unless the
    /// image names another) to its main process, then SIGKILL to all of its processes once
    /// <paramref name="grace"/> has passed. A container that is not running is left as it is.
    /// </summary>
    public async Task StopAsync(string idOrName, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        if (await RequestStopAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (await StatusAsync(entry, cancellationToken).ConfigureAwait(false) is not (ContainerStatus.Running or ContainerStatus.Paused))
        {
            return;
        }

        await SignalAsync(entry, entry.Record.StopSignal, all: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await entry.Exited.Task.WaitAsync(grace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.GraceExpired(_logger, entry.Record.Id, grace, entry.Record.StopSignal);
            await SignalAsync(entry, SigKill, all: true, cancellationToken).ConfigureAwait(false);
            await entry.Exited.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (SIGKILL by default) to the container's main process, as <c>docker kill</c> does.</summary>
    /// <exception cref="ConflictException">The container is not running.</exception>
    public async Task KillAsync(string idOrName, int signal = SigKill, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        if ((signal == SigKill || signal == entry.Record.StopSignal) && await RequestStopAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (await StatusAsync(entry, cancellationToken).ConfigureAwait(false) is not (ContainerStatus.Running or ContainerStatus.Paused))
        {
            throw new ConflictException($"container {entry.Record.Name} ({entry.Record.Id[..12]}) is not running; there is nothing to kill");
        }

        await SignalAsync(entry, signal, all: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the container has stopped, and returns how it ended, as <c>docker wait</c> does.</summary>
    public async Task<ExitStatus> WaitAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        return await entry.Exited.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a container and everything it had: the runtime's container, the rootfs mount, the
    /// writable snapshot, the log and the state directory. The image's snapshots stay.
    /// </summary>
    /// <exception cref="ConflictException">The container is running and <paramref name="force"/> is false.</exception>
    public async Task RemoveAsync(string idOrName, bool force = false, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        await RemoveAsync(entry, force, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every container of this engine, oldest first.</summary>
    public async Task<IReadOnlyList<ContainerInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        Entry[] entries;
        await _registry.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            entries = [.. _containers.Values.Where(entry => !entry.Reserved).OrderBy(entry => entry.Record.Created)];
        }
        finally
        {
            _registry.Release();
        }

        var infos = new List<ContainerInfo>(entries.Length);
        foreach (var entry in entries)
        {
            infos.Add(await InfoAsync(entry, cancellationToken).ConfigureAwait(false));
        }

        return infos;
    }

    /// <summary>The container's id, name, image, status, pid, exit code and times.</summary>
    /// <exception cref="NotFoundException">No container has that id, id prefix or name.</exception>
    public async Task<ContainerInfo> InspectAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        return await InfoAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The container's output, as <c>docker logs</c> gives it; with <paramref name="follow"/>, new
    /// lines as they come until the container's output ends or the token is cancelled.
    /// </summary>
    public async IAsyncEnumerable<LogEntry> LogsAsync(string idOrName, bool follow = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        await foreach (var line in ContainerLog.ReadAsync(Path.Combine(entry.Directory, LogFile), follow, entry.Exited.Task, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>
    /// Lets go of this process's side of the containers: their stdio and the runtime the engine
    /// made. Containers are not removed; with <see cref="EngineOptions.ContainersDieWithEngine"/>
    /// they die when this process does.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var monitor in _containers.Values.Select(entry => entry.Monitor).OfType<Task>())
        {
            // A monitor past its wait finishes recording the exit (and any auto-remove) first.
            await monitor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await DisposeNetworkingAsync().ConfigureAwait(false);

        foreach (var entry in _containers.Values.ToArray())
        {
            if (entry.Created is { } created)
            {
                await created.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_ownedRuntime is not null)
        {
            await _ownedRuntime.DisposeAsync().ConfigureAwait(false);
        }

        _disposing.Dispose();
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();

    private static OciSpec BuildSpec(ContainerRunSpec run, string id, string rootfs)
    {
        var image = run.Image.Config.Config;
        var user = ImageConfigMerge.ResolveUser(run.User ?? image?.User, RootfsFiles.ReadText(rootfs, "/etc/passwd"), RootfsFiles.ReadText(rootfs, "/etc/group"));
        var workingDir = ImageConfigMerge.WorkingDir(image?.WorkingDir, run.WorkingDir);
        RootfsFiles.EnsureDirectory(rootfs, workingDir);
        var hostname = run.Hostname ?? id[..12];
        var defaults = OciSpecDefaults.Create();
        return defaults with
        {
            Process = defaults.Process! with
            {
                Terminal = false,
                Args = ImageConfigMerge.Args(image?.Entrypoint, image?.Cmd, run.Entrypoint, run.Cmd),
                Env = ImageConfigMerge.Env(image?.Env, run.Env, hostname, user.Home),
                Cwd = workingDir,
                User = new OciUser { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids.Count > 0 ? user.AdditionalGids : null },
                Capabilities = CapabilitiesFor(user.Uid),
            },
            Root = new OciRoot { Path = rootfs, Readonly = run.ReadOnlyRootfs },
            Hostname = hostname,
            Linux = defaults.Linux! with { Resources = Resources(run, defaults.Linux.Resources) },
        };
    }

    /// <summary>Docker's default set; a non-root user starts with none effective, as Docker does.</summary>
    internal static OciCapabilities CapabilitiesFor(uint uid) => new()
    {
        Bounding = DockerCapabilities,
        Effective = uid == 0 ? DockerCapabilities : [],
        Permitted = uid == 0 ? DockerCapabilities : [],
    };

    private static OciResources? Resources(ContainerRunSpec run, OciResources? defaults)
    {
        if (run.Cpus is <= 0 || run.MemoryBytes is <= 0 || run.PidsLimit is 0 or < -1)
        {
            throw new InvalidArgumentException($"resource limits must be positive: memory {run.MemoryBytes}, cpus {run.Cpus}, pids {run.PidsLimit}");
        }

        const ulong period = 100_000;
        return (defaults ?? new OciResources()) with
        {
            Memory = run.MemoryBytes is { } memory ? new OciMemory { Limit = memory } : defaults?.Memory,
            Cpu = run.Cpus is { } cpus ? new OciCpu { Period = period, Quota = (long)Math.Round(cpus * period) } : defaults?.Cpu,
            Pids = run.PidsLimit is { } pids ? new OciPids { Limit = pids } : defaults?.Pids,
        };
    }

    /// <summary>Records each exit of a started container, then removes it (auto-remove) or, as its restart policy says, starts it again and follows the next run.</summary>
    private async Task MonitorAsync(Entry entry)
    {
        while (true)
        {
            ExitStatus status;
            try
            {
                status = await _runtime.WaitAsync(entry.Record.Id, _disposing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (_disposing.IsCancellationRequested && e is OperationCanceledException or ContainersException)
            {
                // This engine is being disposed (and its runtime's channels with it, which can
                // surface as a broken channel, not a cancellation); whoever opens the root next
                // records the exit.
                return;
            }
            catch (Exception e)
            {
                // Any failure of the wait (the runtime's state removed under it, a socket error) ends
                // this run for the engine: recorded as killed, never left unrecorded with every
                // waiter hanging on it.
                Log.ExitUnknown(_logger, entry.Record.Id, e);
                status = ExitStatus.Killed(SigKill);
            }

            var action = ExitAction.None;
            await entry.Gate.WaitAsync().ConfigureAwait(false);
            var exited = entry.Exited;
            try
            {
                var oomKilled = await OomKilledAsync(entry.Record.Id).ConfigureAwait(false);

                // Decided with the exit under the gate, so a stop, start or remove sees one or the other.
                action = AfterExit(entry, status);
                var restart = action == ExitAction.Restart;
                if (Directory.Exists(entry.Directory))
                {
                    await SaveAsync(entry, entry.Record with { Finished = _time.GetUtcNow(), ExitCode = status.ExitCode, ExitSignal = status.Signal, OomKilled = oomKilled, Restarting = restart, RestartCount = entry.Record.RestartCount + (restart ? 1 : 0) }, CancellationToken.None).ConfigureAwait(false);
                }

                await ReleaseNetworkAsync(entry, persist: true).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Its directory or network went from under it (a remove racing the exit), or
                // anything else failed: the exit is still told to its waiters, and nothing more is
                // done for this run. A waiter left hanging on a run that has ended is worse.
                Log.RecordingExitFailed(_logger, entry.Record.Id, e);
                action = ExitAction.None;
            }
            finally
            {
                entry.Gate.Release();
            }

            Log.Exited(_logger, entry.Record.Id, status);
            exited.TrySetResult(status);
            if (action == ExitAction.Remove)
            {
                try
                {
                    await RemoveAsync(entry, force: true, CancellationToken.None).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    // Removed by someone else first.
                }
            }

            if (action != ExitAction.Restart || !await RestartAfterBackoffAsync(entry).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Lets the runtime's created container run, and records the start: not finished, with <paramref name="restartCount"/> restarts.</summary>
    private async Task LaunchAsync(Entry entry, int restartCount, CancellationToken cancellationToken)
    {
        await PublishPortsAsync(entry, cancellationToken).ConfigureAwait(false);
        try
        {
            await _runtime.StartAsync(entry.Record.Id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await UnpublishPortsAsync(entry).ConfigureAwait(false);
            throw;
        }

        if (entry.Exited.Task.IsCompleted)
        {
            entry.Exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        await SaveAsync(entry, entry.Record with { Started = _time.GetUtcNow(), Finished = null, ExitCode = null, ExitSignal = null, OomKilled = false, RestartCount = restartCount, Restarting = false }, CancellationToken.None).ConfigureAwait(false);
        Log.Started(_logger, entry.Record.Id);
    }

    /// <summary>
    /// Creates the container in the runtime from its bundle. Its shim appends its stdout and stderr
    /// to its log (each run adds to it), and reports the exit only once the log has all of it.
    /// Stdin is <c>/dev/null</c>, as Docker's without <c>-i</c>.
    /// </summary>
    private async Task CreateInRuntimeAsync(Entry entry, CancellationToken cancellationToken)
    {
        var request = new ContainerCreateRequest(entry.Record.Id, entry.Directory)
        {
            LogPath = Path.Combine(entry.Directory, LogFile),
            DieWithOwner = _options.ContainersDieWithEngine,
            OwnerDeathCleanup = await OwnerDeathCleanupAsync(entry.Directory, Path.Combine(entry.Directory, RootfsDir), entry.Record.SnapshotKey, cancellationToken).ConfigureAwait(false),
        };
        var created = await _runtime.CreateAsync(request, cancellationToken).ConfigureAwait(false);
        entry.Created = created;
        await AttachNetworkAsync(entry, created.Pid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the OOM killer struck in the container's cgroup, which lives until the runtime deletes it; logged as an event.</summary>
    private async Task<bool> OomKilledAsync(string id)
    {
        try
        {
            var kills = (await _runtime.GetStatsAsync(id, CancellationToken.None).ConfigureAwait(false)).Memory.OomKills;
            if (kills > 0)
            {
                Log.OomKilled(_logger, id, kills);
            }

            return kills > 0;
        }
        catch (Exception e) when (e is ContainersException or IOException)
        {
            // Its cgroup is gone already, or went while it was read (a force remove raced the
            // exit): nothing to tell. Never a reason to leave the exit unrecorded.
            return false;
        }
    }

    private async Task RemoveAsync(Entry entry, bool force, CancellationToken cancellationToken)
    {
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Removed)
            {
                throw new NotFoundException($"container {entry.Record.Id[..12]} has been removed");
            }

            var status = await StatusAsync(entry, cancellationToken).ConfigureAwait(false);
            if (status is ContainerStatus.Running or ContainerStatus.Paused && !force)
            {
                throw new ConflictException($"container {entry.Record.Name} ({entry.Record.Id[..12]}) is {status.ToString().ToLowerInvariant()}; stop it before removing it, or remove it with force");
            }

            CancelRestartForRemoval(entry, force);

            try
            {
                await _runtime.DeleteAsync(entry.Record.Id, force: true, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                // Never created in the runtime, or already gone from it.
            }

            await TearDownAsync(entry, prepared: true).ConfigureAwait(false);
            entry.Removed = true;
            if (entry.Record.AutoRemove)
            {
                // As docker run --rm: the anonymous volumes go with the container.
                await RemoveAnonymousVolumesAsync(entry.Record).ConfigureAwait(false);
            }

            Log.Removed(_logger, entry.Record.Id);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Undoes what create did, as far as it got: rootfs mount, snapshot, state directory (and log), registration.</summary>
    private async Task TearDownAsync(Entry entry, bool prepared)
    {
        await ReleaseNetworkAsync(entry, persist: false).ConfigureAwait(false);
        if (entry.Created is { } created)
        {
            await created.DisposeAsync().ConfigureAwait(false);
        }

        var rootfs = Path.Combine(entry.Directory, RootfsDir);
        if (Directory.Exists(rootfs))
        {
            SnapshotMounter.UnmountAll(rootfs);
        }

        if (prepared)
        {
            try
            {
                await _snapshotter.RemoveAsync(entry.Record.SnapshotKey, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }
        }

        if (Directory.Exists(entry.Directory))
        {
            Directory.Delete(entry.Directory, recursive: true);
        }

        entry.Exited.TrySetResult(new ExitStatus(entry.Record.ExitCode ?? 128 + SigKill, entry.Record.ExitSignal));
        await _registry.WaitAsync().ConfigureAwait(false);
        try
        {
            _containers.Remove(entry.Record.Id);
        }
        finally
        {
            _registry.Release();
        }
    }

    private async Task SignalAsync(Entry entry, int signal, bool all, CancellationToken cancellationToken)
    {
        try
        {
            await _runtime.KillAsync(entry.Record.Id, signal, all, cancellationToken).ConfigureAwait(false);
        }
        catch (FailedPreconditionException)
        {
            if (await StatusAsync(entry, cancellationToken).ConfigureAwait(false) != ContainerStatus.Stopped)
            {
                throw;
            }

            // It exited meanwhile.
        }
    }

    private async Task<ContainerStatus> StatusAsync(Entry entry, CancellationToken cancellationToken)
    {
        if (entry.Record.Finished is not null || entry.Exited.Task.IsCompleted)
        {
            return ContainerStatus.Stopped;
        }

        try
        {
            return (await _runtime.GetStateAsync(entry.Record.Id, cancellationToken).ConfigureAwait(false)).Status;
        }
        catch (NotFoundException)
        {
            return entry.Created is null && entry.Record.Started is null ? ContainerStatus.Creating : ContainerStatus.Stopped;
        }
    }

    private async Task<ContainerInfo> InfoAsync(Entry entry, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(entry, cancellationToken).ConfigureAwait(false);
        var record = entry.Record;
        return new ContainerInfo
        {
            Id = record.Id,
            Name = record.Name,
            Image = record.Image,
            ImageName = record.ImageName,
            Args = record.Args,
            Status = status,
            Pid = status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Created ? entry.Created?.Pid ?? 0 : 0,
            ExitCode = record.ExitCode,
            Created = record.Created,
            Started = record.Started,
            Finished = record.Finished,
            Labels = record.Labels ?? new Dictionary<string, string>(),
            Restart = RestartPolicyOf(record),
            RestartCount = record.RestartCount,
            OomKilled = record.OomKilled,
            Restarting = record.Restarting,
            AutoRemove = record.AutoRemove,
            Mounts = record.Mounts,
            Network = record.Networking?.Network ?? Networking.NetworkModes.None,
            IPAddress = record.Networking?.IPAddress,
            Ports = [.. record.Networking?.Published ?? []],
        };
    }

    private async Task<Entry> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrName);
        await _registry.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_containers.TryGetValue(idOrName, out var exact))
            {
                return exact;
            }

            if (_containers.Values.FirstOrDefault(entry => entry.Record.Name == idOrName) is { } named)
            {
                return named;
            }

            var matches = _containers.Values.Where(entry => entry.Record.Id.StartsWith(idOrName, StringComparison.Ordinal)).Take(2).ToArray();
            return matches.Length switch
            {
                1 => matches[0],
                0 => throw new NotFoundException($"no such container: \"{idOrName}\" is no container's id, id prefix or name"),
                _ => throw new InvalidArgumentException($"\"{idOrName}\" is the prefix of more than one container id; give more of the id"),
            };
        }
        finally
        {
            _registry.Release();
        }
    }

    /// <remarks>A small record: written synchronously, sparing async file I/O's thread-pool round trip.</remarks>
    private static Task SaveAsync(Entry entry, StoredContainer record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = Path.Combine(entry.Directory, RecordFile);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(record, EngineJsonContext.Default.StoredContainer));
        File.Move(temp, path, overwrite: true);
        entry.Record = record;
        return Task.CompletedTask;
    }

    /// <summary>The engine's live view of one container.</summary>
    private sealed class Entry(StoredContainer record, string directory)
    {
        public StoredContainer Record { get; set; } = record;

        public string Directory { get; } = directory;

        /// <summary>Serializes start, the exit record (with the restart decision), restart and remove.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Completes when the current run exits; a new run gets a new one.</summary>
        public TaskCompletionSource<ExitStatus> Exited { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CreatedContainer? Created { get; set; }

        public Task? Monitor { get; set; }

        public bool Removed { get; set; }

        /// <summary>Its name is taken but create has not finished.</summary>
        public bool Reserved { get; set; }

        public RestartState Restarts { get; } = new();

        /// <summary>The image it was made from, when this engine made it (commit falls back on it).</summary>
        public IImage? Image { get; init; }
    }
}
