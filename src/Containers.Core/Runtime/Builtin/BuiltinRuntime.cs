using System.Text.Json;
using Containers.Cgroups;
using Containers.Errors;
using Containers.Linux;
using Containers.Processes;
using Containers.Runtime.Shim;
using Containers.Runtime.Spec;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Containers.Runtime.Builtin;

/// <summary>
/// The runtime that needs no other program: a small native shim clones the container into its
/// namespaces, sets up its root and stays outside as its reaper. State lives in
/// <see cref="BuiltinRuntimeOptions.StateRoot"/>, so another process (the CLI, say) can start,
/// kill, wait for and delete a container this one created.
/// </summary>
public sealed partial class BuiltinRuntime : IContainerRuntime, IAsyncDisposable
{
    private const string RecordFile = ShimStateDirectory.RecordFile;

    private readonly BuiltinRuntimeOptions options;
    private readonly CgroupLayout layout;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly ShimHandles owned = new();
    private readonly Lazy<Task> startupSweep;

    public BuiltinRuntime(IOptions<BuiltinRuntimeOptions> options, CgroupLayout layout, ILogger<BuiltinRuntime> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.layout = layout;
        this.logger = logger;
        this.time = time;
        startupSweep = new(() => SweepAsync(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>A runtime with the given (or default) options, the host's cgroup layout and no logging.</summary>
    public BuiltinRuntime(BuiltinRuntimeOptions? options = null)
        : this(Options.Create(options ?? new BuiltinRuntimeOptions()), CgroupLayout.Current, NullLogger<BuiltinRuntime>.Instance, TimeProvider.System)
    {
    }

    public string Name => "builtin";

    public async Task<CreatedContainer> CreateAsync(ContainerCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateId(request.Id);
        CreateRequestOps.Validate(request);
        await startupSweep.Value.WaitAsync(cancellationToken).ConfigureAwait(false);

        var stdio = StdioPlumbing.Create(request.Stdio);
        SpawnedShim? spawned = null;
        string? stateDir = null;
        Cgroup? cgroup = null;
        ShimHandle? handle = null;
        try
        {
            // The shim starts first and waits for its plan: its exec and fork overlap reading
            // the spec and making the cgroup.
            spawned = ShimLauncher.Spawn(stdio.ChildFds);
            var bundle = Path.GetFullPath(request.Bundle);
            var spec = await OciSpecs.LoadAsync(bundle, cancellationToken).ConfigureAwait(false);
            OciSpecValidator.Validate(spec, bundle);
            if (spec.Linux?.Seccomp is not null)
            {
                LogSeccompNotApplied(request.Id);
            }

            var cgroupPath = CgroupPath.Parse(string.IsNullOrEmpty(spec.Linux?.CgroupsPath) ? $"{options.CgroupParent}/{request.Id}" : spec.Linux.CgroupsPath);
            var resources = CgroupResources.FromOci(DeviceRules.WithDefaults(spec));

            stateDir = MakeStateDirectory(request.Id);
            var owner = ProcessIdentity.Of(LibC.GetPid());
            var record = new ContainerRecord
            {
                Id = request.Id,
                Bundle = bundle,
                OwnerPid = owner?.Pid ?? 0,
                OwnerStartTime = owner?.StartTime ?? 0,
                DieWithOwner = request.DieWithOwner,
                CgroupPath = cgroupPath.Value,
                Namespaces = spec.Linux?.Namespaces ?? [],
                Created = time.GetUtcNow(),
                Annotations = spec.Annotations,
            };

            // Written first, pid 0: a sweep after a crash right here still finds and removes it.
            WriteRecord(stateDir, record, fresh: true);
            cgroup = Cgroup.Create(layout, cgroupPath, resources, logger);
            var plan = SpecCompiler.CompileCreate(spec, bundle, new PlanInputs
            {
                StateDirectory = stateDir,
                Cgroups = Placements(cgroup),
                DieWithOwner = request.DieWithOwner,
                Stdio = request.Stdio,
                StartImmediately = request.StartImmediately,
            });
            CreateRequestOps.Add(plan, request);
            var shim = spawned.Value;
            spawned = null;
            handle = await ShimHandle.StartAsync(shim, plan, $"container {request.Id}", cancellationToken).ConfigureAwait(false);
            stdio.CloseChildEnds();
            var pid = ProcessIdentity.Of(handle.Pid);
            var shimIdentity = ProcessIdentity.Of(handle.ShimPid);
            WriteRecord(stateDir, record with { Pid = handle.Pid, PidStartTime = pid?.StartTime ?? 0, ShimPid = handle.ShimPid, ShimStartTime = shimIdentity?.StartTime ?? 0 });
            owned.Add(request.Id, handle);
            LogCreated(request.Id, handle.Pid);
            return new CreatedContainer(request.Id, handle.Pid, stdio.TakeIo(handle.TerminalFd));
        }
        catch
        {
            if (spawned is { } unused)
            {
                ShimLauncher.Abandon(unused);
            }

            stdio.Abandon();
            if (handle is not null)
            {
                await handle.RequestAsync($"kill {LibC.SIGKILL} all", "ok", CancellationToken.None).ConfigureAwait(false);
                await handle.DisposeAsync().ConfigureAwait(false);
            }

            if (cgroup is not null)
            {
                await cgroup.DeleteAsync(options.DeleteTimeout, CancellationToken.None).ConfigureAwait(false);
            }

            if (stateDir is not null)
            {
                RemoveStateDirectory(stateDir);
            }

            throw;
        }
        finally
        {
            cgroup?.Dispose();
        }
    }

    public async Task StartAsync(string id, CancellationToken cancellationToken = default)
    {
        _ = ReadRecord(id);
        if (owned.TryGet(id, out var handle))
        {
            await handle.RequestAsync("start", "started", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var channel = await ConnectAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new FailedPreconditionException($"container {id} is stopped; only a created container can be started");
            var reply = await channel.RequestAsync("start", cancellationToken).ConfigureAwait(false);
            if (reply.IsError)
            {
                throw new FailedPreconditionException($"container {id}: {reply.Argument}");
            }
        }

        LogStarted(id);
    }

    public async Task<ContainerState> GetStateAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = ReadRecord(id);
        var status = await StatusOfAsync(record, cancellationToken).ConfigureAwait(false);
        return new ContainerState
        {
            OciVersion = OciSpec.Version,
            Id = id,
            Status = status,
            Pid = status is ContainerStatus.Stopped or ContainerStatus.Creating ? 0 : record.Pid,
            Bundle = record.Bundle,
            Annotations = record.Annotations,
            Created = record.Created,
        };
    }

    public async Task KillAsync(string id, int signal, bool all = false, CancellationToken cancellationToken = default)
    {
        _ = ReadRecord(id);
        var request = all ? $"kill {signal} all" : $"kill {signal}";
        var notRunning = $"container {id} is not running; there is nothing to signal";
        if (owned.TryGet(id, out var handle) && !handle.Exited.IsCompleted)
        {
            try
            {
                await handle.RequestAsync(request, "ok", cancellationToken).ConfigureAwait(false);
            }
            catch (UnavailableException e)
            {
                throw new FailedPreconditionException(notRunning, e);
            }

            return;
        }

        using var channel = await ConnectAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new FailedPreconditionException(notRunning);
        ShimMessage reply;
        try
        {
            reply = await channel.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (UnavailableException e)
        {
            throw new FailedPreconditionException(notRunning, e);
        }

        if (reply.IsError)
        {
            throw new FailedPreconditionException($"container {id}: {reply.Argument}");
        }
    }

    public async Task<ExitStatus> WaitAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = ReadRecord(id);
        owned.TryGet(id, out var handle);
        return await ShimStateDirectory.WaitAsync(handle, StateDirectory(id), cancellationToken).ConfigureAwait(false)
            ?? throw new UnavailableException($"container {id} (pid {record.Pid}) has no shim and no recorded exit status; its shim was killed. Delete it with force");
    }

    public async Task DeleteAsync(string id, bool force = false, CancellationToken cancellationToken = default)
    {
        var record = ReadRecord(id);
        var status = await StatusOfAsync(record, cancellationToken).ConfigureAwait(false);
        if (status == ContainerStatus.Running && !force)
        {
            throw new ConflictException($"container {id} is running; kill it first, or delete it with force");
        }

        if (status is ContainerStatus.Running or ContainerStatus.Created or ContainerStatus.Paused)
        {
            try
            {
                await KillAsync(id, LibC.SIGKILL, all: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is UnavailableException or FailedPreconditionException)
            {
                // It exited (and its shim left) between the status check and the kill: nothing to kill.
            }

            if (status == ContainerStatus.Paused)
            {
                // A frozen task dies of SIGKILL only once it thaws.
                using var cgroup = Cgroup.Open(layout, CgroupPath.Parse(record.CgroupPath), logger);
                cgroup.Thaw();
            }

            await WaitAsync(id, cancellationToken).ConfigureAwait(false);
        }
        else if (status == ContainerStatus.Stopped)
        {
            await WaitForShimAsync(id, cancellationToken).ConfigureAwait(false);
        }

        await RemoveAsync(record, cancellationToken).ConfigureAwait(false);
        LogDeleted(id);
    }

    public async Task PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = ReadRecord(id);
        var status = await StatusOfAsync(record, cancellationToken).ConfigureAwait(false);
        if (status != ContainerStatus.Running)
        {
            throw new FailedPreconditionException($"container {id} is {status.ToString().ToLowerInvariant()}; only a running container can be paused");
        }

        using var cgroup = Cgroup.Open(layout, CgroupPath.Parse(record.CgroupPath), logger);
        cgroup.Freeze();
    }

    public async Task ResumeAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = ReadRecord(id);
        var status = await StatusOfAsync(record, cancellationToken).ConfigureAwait(false);
        if (status != ContainerStatus.Paused)
        {
            throw new FailedPreconditionException($"container {id} is {status.ToString().ToLowerInvariant()}; only a paused container can be resumed");
        }

        using var cgroup = Cgroup.Open(layout, CgroupPath.Parse(record.CgroupPath), logger);
        cgroup.Thaw();
    }

    public async Task UpdateAsync(string id, OciResources resources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var record = ReadRecord(id);
        var status = await StatusOfAsync(record, cancellationToken).ConfigureAwait(false);
        if (status == ContainerStatus.Stopped)
        {
            throw new FailedPreconditionException($"container {id} is stopped; there are no limits left to change");
        }

        if (CgroupResources.FromOci(resources) is { } changed)
        {
            using var cgroup = Cgroup.Open(layout, CgroupPath.Parse(record.CgroupPath), logger);
            cgroup.Update(changed);
        }
    }

    public Task<CgroupStats> GetStatsAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = ReadRecord(id);
        using var cgroup = Cgroup.Open(layout, CgroupPath.Parse(record.CgroupPath), logger);
        return Task.FromResult(cgroup.ReadStats());
    }

    public async Task<ExecProcess> ExecAsync(string id, OciProcess process, StdioMode stdio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        var record = ReadRecord(id);
        var status = await StatusOfAsync(record, cancellationToken).ConfigureAwait(false);
        if (status is not (ContainerStatus.Running or ContainerStatus.Created))
        {
            throw new FailedPreconditionException($"container {id} is {status.ToString().ToLowerInvariant()}; exec needs a running container");
        }

        List<CgroupMountSource> cgroups;
        using (var cgroup = Cgroup.Open(layout, CgroupPath.Parse(record.CgroupPath), logger))
        {
            cgroups = Placements(cgroup);
        }

        var plumbing = StdioPlumbing.Create(stdio);
        try
        {
            var spec = new OciSpec { Linux = new OciLinux { Namespaces = record.Namespaces } };
            var plan = SpecCompiler.CompileExec(spec, record.Pid, process, cgroups, stdio);
            var handle = await ShimHandle.StartAsync(plan, plumbing.ChildFds, $"exec in container {id}", cancellationToken).ConfigureAwait(false);
            plumbing.CloseChildEnds();
            return new ShimExecProcess(handle, plumbing.TakeIo(handle.TerminalFd));
        }
        catch
        {
            plumbing.Abandon();
            throw;
        }
    }

    public async Task<IReadOnlyList<ContainerState>> ListAsync(CancellationToken cancellationToken = default)
    {
        var states = new List<ContainerState>();
        if (!Directory.Exists(options.StateRoot))
        {
            return states;
        }

        foreach (var dir in Directory.EnumerateDirectories(options.StateRoot))
        {
            try
            {
                states.Add(await GetStateAsync(Path.GetFileName(dir), cancellationToken).ConfigureAwait(false));
            }
            catch (NotFoundException)
            {
                // Deleted while we looked.
            }
        }

        return states;
    }

    /// <summary>
    /// Removes what crashed owners left behind: containers created to die with their owner whose
    /// owner is gone (their shim, processes, cgroup and state), and half-created ones. Runs once
    /// before this runtime's first create; returns how many it removed.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(options.StateRoot))
        {
            return 0;
        }

        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(options.StateRoot))
        {
            var id = Path.GetFileName(dir);
            ContainerRecord record;
            try
            {
                record = ReadRecord(id);
            }
            catch (ContainersException)
            {
                continue;
            }

            var ownerAlive = new ProcessIdentity(record.OwnerPid, record.OwnerStartTime).IsAlive;
            if (ownerAlive || owned.Contains(id) || !(record.DieWithOwner || record.Pid == 0))
            {
                continue;
            }

            foreach (var identity in new[] { new ProcessIdentity(record.ShimPid, record.ShimStartTime), new ProcessIdentity(record.Pid, record.PidStartTime) })
            {
                if (identity.Pid > 0 && identity.IsAlive)
                {
                    _ = LibC.Kill(identity.Pid, LibC.SIGKILL);
                }
            }

            await RemoveAsync(record, cancellationToken).ConfigureAwait(false);
            LogSwept(id, record.OwnerPid);
            removed++;
        }

        return removed;
    }

    public ValueTask DisposeAsync() => owned.DisposeAllAsync();

    /// <summary>The container's cgroup, or null when it is gone already (its parent removed with it, say): then there is nothing to delete.</summary>
    private Cgroup? OpenIfExists(CgroupPath path)
    {
        try
        {
            return Cgroup.Open(layout, path, logger);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private async Task RemoveAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        if (CgroupPath.TryParse(record.CgroupPath, out var path) && OpenIfExists(path) is { } cgroup)
        {
            using (cgroup)
            {
                try
                {
                    cgroup.KillAll();
                }
                catch (NotFoundException)
                {
                    // Part of it went meanwhile (another process removed an empty cgroup): what is left is removed below.
                }

                await cgroup.DeleteAsync(options.DeleteTimeout, cancellationToken).ConfigureAwait(false);
            }
        }

        if (owned.TryRemove(record.Id, out var handle))
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }

        RemoveStateDirectory(StateDirectory(record.Id));
    }

    private async Task<ContainerStatus> StatusOfAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(StateDirectory(record.Id), ShimStateDirectory.ExitFile)))
        {
            return ContainerStatus.Stopped;
        }

        if (record.Pid == 0)
        {
            return ContainerStatus.Creating;
        }

        ShimMessage? reply = null;
        if (owned.TryGet(record.Id, out var handle))
        {
            if (handle.Exited.IsCompleted)
            {
                return ContainerStatus.Stopped;
            }

            try
            {
                reply = await handle.RequestAsync("state", "state", cancellationToken).ConfigureAwait(false);
            }
            catch (UnavailableException)
            {
                return ContainerStatus.Stopped;
            }
        }
        else
        {
            using var channel = await ConnectAsync(record.Id, cancellationToken).ConfigureAwait(false);
            if (channel is null)
            {
                return ContainerStatus.Stopped;
            }

            try
            {
                reply = await channel.RequestAsync("state", cancellationToken).ConfigureAwait(false);
            }
            catch (UnavailableException)
            {
                return ContainerStatus.Stopped;
            }
        }

        if (reply is not { } answer)
        {
            return ContainerStatus.Stopped;
        }

        if (answer.Argument.StartsWith("stopped", StringComparison.Ordinal))
        {
            // Exited, and its shim is writing the last of its log before it reports the exit.
            return ContainerStatus.Stopped;
        }

        if (!answer.Argument.StartsWith("running", StringComparison.Ordinal))
        {
            return ContainerStatus.Created;
        }

        using var cgroup = Cgroup.Open(layout, CgroupPath.Parse(record.CgroupPath), logger);
        return cgroup.IsFrozen ? ContainerStatus.Paused : ContainerStatus.Running;
    }

    /// <summary>
    /// Waits until a stopped container's shim has reported the exit, which it does (and then
    /// leaves) once the container's log holds all of its output; removing its state before would
    /// race the shim's last writes, and hanging up on it would look like the owner's death.
    /// </summary>
    private async Task WaitForShimAsync(string id, CancellationToken cancellationToken)
    {
        owned.TryGet(id, out var handle);
        try
        {
            await ShimStateDirectory.WaitAsync(handle, StateDirectory(id), cancellationToken).ConfigureAwait(false);
        }
        catch (UnavailableException)
        {
            // Its shim was killed before it reported: there is nothing to wait for.
        }
    }

    private Task<ShimChannel?> ConnectAsync(string id, CancellationToken cancellationToken) =>
        ShimStateDirectory.ConnectAsync(StateDirectory(id), cancellationToken);

    private static List<CgroupMountSource> Placements(Cgroup cgroup)
    {
        var sources = new List<CgroupMountSource>();
        var hierarchies = cgroup.Layout.V1Hierarchies.Concat(cgroup.Layout.Unified is { } u ? [u] : []).ToArray();
        foreach (var dir in cgroup.Directories)
        {
            var hierarchy = hierarchies
                .Where(h => dir.StartsWith(h.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
                .MaxBy(h => h.MountPoint.Length);
            if (hierarchy is not null)
            {
                sources.Add(new CgroupMountSource(Path.GetFileName(hierarchy.MountPoint.TrimEnd('/')), dir, hierarchy.IsUnified));
            }
        }

        return sources;
    }

    private string StateDirectory(string id) => Path.Combine(options.StateRoot, id);

    private string MakeStateDirectory(string id) => ShimStateDirectory.Make(options.StateRoot, id);

    private ContainerRecord ReadRecord(string id)
    {
        ValidateId(id);
        var path = Path.Combine(StateDirectory(id), RecordFile);
        try
        {
            return ContainerRecordJson.Read(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"container {id} does not exist in {options.StateRoot}");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"the state of container {id} ({path}) is not valid JSON: {e.Message}; delete the directory", e);
        }
    }

    /// <summary>
    /// Writes <c>state.json</c>: straight into a fresh directory, or through a temporary file
    /// renamed over the old one, so a reader never sees half a record.
    /// </summary>
    private static void WriteRecord(string stateDir, ContainerRecord record, bool fresh = false)
    {
        var path = Path.Combine(stateDir, RecordFile);
        var target = fresh ? path : path + ".tmp";
        using (var file = File.OpenHandle(target, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(file, ContainerRecordJson.Write(record), 0);
        }

        if (!fresh)
        {
            File.Move(target, path, overwrite: true);
        }
    }

    private static void RemoveStateDirectory(string dir) => ShimStateDirectory.Remove(dir);

    private static void ValidateId(string id) => ContainerIds.Validate(id);
}
