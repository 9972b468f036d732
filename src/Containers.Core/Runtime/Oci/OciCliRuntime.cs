using Containers.Cgroups;
using System.Text.Json;
using Containers.Errors;
using Containers.Linux;
using Containers.Processes;
using Containers.Runtime.Shim;
using Containers.Runtime.Spec;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Runtime.Oci;

/// <summary>
/// Runs bundles with runc or crun through their command line, the way podman does with conmon:
/// our shim runs <c>runc create</c> as its child, becomes the reaper of the container it makes,
/// and so knows its real exit status; start, state, kill, delete and list are runc's own commands.
/// </summary>
/// <remarks>
/// The runtime keeps its state under its own <c>--root</c>; this adapter keeps, per container, the
/// shim's socket and exit file under <see cref="OciCliRuntimeOptions.StateRoot"/>, so another
/// process can wait for a container this one created.
/// </remarks>
public sealed partial class OciCliRuntime : IContainerRuntime, IAsyncDisposable
{
    private const string PidFile = "pid";
    private const string CreateLog = "create-log.json";
    private static readonly TimeSpan TerminalTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShimExitTimeout = TimeSpan.FromSeconds(10);

    private readonly string binary;
    private readonly string root;
    private readonly string stateRoot;
    private readonly ILogger logger;
    private readonly ShimHandles owned = new();
    private readonly Lazy<Task> startupSweep;

    public OciCliRuntime(OciCliRuntimeOptions options, ILogger<OciCliRuntime> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        Name = options.Name;
        binary = options.EffectiveBinaryPath;
        root = options.EffectiveRoot;
        stateRoot = options.EffectiveStateRoot;
        this.logger = logger;
        startupSweep = new(() => SweepAsync(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>An adapter with the given (or default: runc) options and no logging.</summary>
    public OciCliRuntime(OciCliRuntimeOptions? options = null)
        : this(options ?? new OciCliRuntimeOptions(), NullLogger<OciCliRuntime>.Instance)
    {
    }

    public string Name { get; }

    /// <summary>The runtime's executable.</summary>
    public string BinaryPath => binary;

    /// <summary>Whether the runtime's executable exists here.</summary>
    public bool IsAvailable => File.Exists(binary);

    public async Task<CreatedContainer> CreateAsync(ContainerCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateId(request.Id);
        CreateRequestOps.Validate(request);
        RequireBinary();
        await startupSweep.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var bundle = Path.GetFullPath(request.Bundle);
        var spec = await OciSpecs.LoadAsync(bundle, cancellationToken).ConfigureAwait(false);
        var terminal = request.Stdio == StdioMode.Terminal;
        if ((spec.Process?.Terminal ?? false) != terminal)
        {
            throw new FailedPreconditionException(terminal
                ? $"container {request.Id}: a terminal was asked for, but {OciSpecs.PathIn(bundle)} sets process.terminal to false; {Name} takes the terminal from the bundle, so set it to true there"
                : $"container {request.Id}: {OciSpecs.PathIn(bundle)} sets process.terminal to true; ask for StdioMode.Terminal, or set it to false to use {request.Stdio} stdio with {Name}");
        }

        var id = request.Id;
        var stateDir = MakeStateDirectory(id);
        var log = Path.Combine(stateDir, CreateLog);
        var pidFile = Path.Combine(stateDir, PidFile);
        ConsoleSocket? console = null;
        StdioPlumbing? stdio = null;
        ShimHandle? handle = null;
        try
        {
            var args = OciCliCommand.GlobalArguments(root, log);
            args.AddRange(["create", "--bundle", bundle, "--pid-file", pidFile]);
            if (terminal)
            {
                console = ConsoleSocket.Listen(Path.Combine(stateDir, "console.sock"));
                args.AddRange(["--console-socket", console.Path]);
            }

            args.Add(id);
            var plan = new ShimPlan()
                .Add(ShimOp.StateDir, stateDir)
                .Add(ShimOp.Monitor, [pidFile, binary, .. args]);
            if (request.DieWithOwner)
            {
                plan.Add(ShimOp.DieWithOwner);
            }

            CreateRequestOps.Add(plan, request);
            stdio = StdioPlumbing.Create(request.Stdio);
            handle = await StartShimAsync(plan, stdio, log, $"container {id}", cancellationToken).ConfigureAwait(false);
            stdio.CloseChildEnds();
            var terminalFd = console is null ? -1 : await console.TakeAsync(TerminalTimeout, cancellationToken).ConfigureAwait(false);
            File.Delete(log);
            owned.Add(id, handle);
            LogCreated(id, handle.Pid, Name);
            var created = new CreatedContainer(id, handle.Pid, stdio.TakeIo(terminalFd));
            if (request.StartImmediately)
            {
                await StartAsync(id, cancellationToken).ConfigureAwait(false);
            }

            return created;
        }
        catch (Exception e)
        {
            stdio?.Abandon();

            // runc may have made the container even though we failed after (or while) it ran; an id
            // that runc already had is someone else's, and stays.
            if (e is not AlreadyExistsException)
            {
                await TryRunAsync(["delete", "--force", id]).ConfigureAwait(false);
            }

            if (handle is not null)
            {
                await handle.DisposeAsync().ConfigureAwait(false);
            }

            RemoveStateDirectory(id);
            throw;
        }
        finally
        {
            console?.Dispose();
        }
    }

    public async Task StartAsync(string id, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        await RunAsync(["start", id], $"container {id}", cancellationToken).ConfigureAwait(false);
        LogStarted(id, Name);
    }

    public async Task<ContainerState> GetStateAsync(string id, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        var json = await RunAsync(["state", id], $"container {id}", cancellationToken).ConfigureAwait(false);
        return Parse(json, OciCliJsonContext.Default.ContainerState, $"state of container {id}");
    }

    public async Task PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        await RunAsync(["pause", id], $"container {id}", cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeAsync(string id, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        await RunAsync(["resume", id], $"container {id}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>runc update --resources</c>, with the resources as the spec's JSON in a file beside the container's state.</summary>
    public async Task UpdateAsync(string id, OciResources resources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ValidateId(id);
        var file = Path.Combine(Path.GetTempPath(), $"containers-update-{id}-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(resources, OciJsonContext.Default.OciResources), cancellationToken).ConfigureAwait(false);
        try
        {
            await RunAsync(["update", "--resources", file, id], $"container {id}", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async Task KillAsync(string id, int signal, bool all = false, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signal);
        string[] args = all ? ["kill", "--all", id, ShimPlan.Number(signal)] : ["kill", id, ShimPlan.Number(signal)];
        await RunAsync(args, $"container {id}", cancellationToken).ConfigureAwait(false);
    }

    public async Task<ExitStatus> WaitAsync(string id, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        owned.TryGet(id, out var handle);
        if (await ShimStateDirectory.WaitAsync(handle, StateDirectory(id), cancellationToken).ConfigureAwait(false) is { } status)
        {
            return status;
        }

        // Unknown to runc: not found. Known: made by someone else, or its shim was killed.
        var state = await GetStateAsync(id, cancellationToken).ConfigureAwait(false);
        throw new UnavailableException(
            $"container {id} ({state.Status.ToString().ToLowerInvariant()}, pid {state.Pid}) has no shim of this adapter in {StateDirectory(id)} and no recorded exit status: " +
            $"it was not created here, or its shim was killed; delete it with force");
    }

    public async Task DeleteAsync(string id, bool force = false, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        try
        {
            await RunAsync(force ? ["delete", "--force", id] : ["delete", id], $"container {id}", cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException) when (Directory.Exists(StateDirectory(id)))
        {
            // runc forgot it (or never made it); what is ours still goes.
        }

        // The process is dead; let its shim record the exit and go before its directory does.
        if (owned.TryRemove(id, out var handle))
        {
            try
            {
                await handle.Exited.WaitAsync(ShimExitTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is UnavailableException or TimeoutException)
            {
                // Gone without a word, or stuck: its channel closes below either way.
            }

            await handle.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await WaitForForeignShimAsync(id, cancellationToken).ConfigureAwait(false);
        }

        RemoveStateDirectory(id);
        LogDeleted(id, Name);
    }

    /// <summary>
    /// Reads the cgroup runc made: the bundle's <c>cgroupsPath</c>, or, when it names none, the
    /// container's id under the caller's own cgroup, which is where runc's cgroupfs driver puts it.
    /// </summary>
    public async Task<CgroupStats> GetStatsAsync(string id, CancellationToken cancellationToken = default)
    {
        var state = await GetStateAsync(id, cancellationToken).ConfigureAwait(false);
        var spec = await OciSpecs.LoadAsync(state.Bundle, cancellationToken).ConfigureAwait(false);
        var path = string.IsNullOrEmpty(spec.Linux?.CgroupsPath) ? id : spec.Linux.CgroupsPath;
        using var cgroup = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(path));
        return cgroup.ReadStats();
    }

    public async Task<ExecProcess> ExecAsync(string id, OciProcess process, StdioMode stdio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        ValidateId(id);
        RequireBinary();
        var terminal = stdio == StdioMode.Terminal;
        Directory.CreateDirectory(stateRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var work = Path.Combine(stateRoot, $".exec-{id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ConsoleSocket? console = null;
        StdioPlumbing? plumbing = null;
        try
        {
            var processFile = Path.Combine(work, "process.json");
            await File.WriteAllBytesAsync(
                processFile,
                JsonSerializer.SerializeToUtf8Bytes(process with { Terminal = terminal }, OciCliJsonContext.Default.OciProcess),
                cancellationToken).ConfigureAwait(false);
            var log = Path.Combine(work, "log.json");
            var pidFile = Path.Combine(work, PidFile);

            // Detached, so that our shim (a subreaper) inherits the process and learns its real
            // status, signal included; runc in the foreground would only pass on 128+n.
            var args = OciCliCommand.GlobalArguments(root, log);
            args.AddRange(["exec", "--detach", "--pid-file", pidFile, "--process", processFile]);
            if (terminal)
            {
                console = ConsoleSocket.Listen(Path.Combine(work, "console.sock"));
                args.AddRange(["--console-socket", console.Path]);
            }

            args.Add(id);
            var plan = new ShimPlan().Add(ShimOp.Monitor, [pidFile, binary, .. args]);
            plumbing = StdioPlumbing.Create(stdio);
            var handle = await StartShimAsync(plan, plumbing, log, $"exec in container {id}", cancellationToken).ConfigureAwait(false);
            plumbing.CloseChildEnds();
            int terminalFd;
            try
            {
                terminalFd = console is null ? -1 : await console.TakeAsync(TerminalTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await handle.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new ShimExecProcess(handle, plumbing.TakeIo(terminalFd));
        }
        catch
        {
            plumbing?.Abandon();
            throw;
        }
        finally
        {
            console?.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    public async Task<IReadOnlyList<ContainerState>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var json = await RunAsync(["list", "--format", "json"], "list", cancellationToken).ConfigureAwait(false);
        return Parse(json, OciCliJsonContext.Default.ListContainerState, "container list") ?? [];
    }

    /// <summary>
    /// Deletes the containers that die-with-owner shims left behind when their owner died: the shim
    /// killed the container and removed its own state, so runc still lists it, stopped, with no
    /// state of ours. Runs once before this adapter's first create; returns how many it removed.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(binary))
        {
            return 0;
        }

        var removed = 0;
        foreach (var state in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (state.Status != ContainerStatus.Stopped || owned.Contains(state.Id) || Directory.Exists(StateDirectory(state.Id)))
            {
                continue;
            }

            if (await TryRunAsync(["delete", "--force", state.Id]).ConfigureAwait(false))
            {
                LogSwept(state.Id, Name);
                removed++;
            }
        }

        return removed;
    }

    public ValueTask DisposeAsync() => owned.DisposeAllAsync();

    /// <summary>Starts the shim; a failed create or exec reports the runtime's own message from its log.</summary>
    private async Task<ShimHandle> StartShimAsync(ShimPlan plan, StdioPlumbing stdio, string log, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await ShimHandle.StartAsync(plan, stdio.ChildFds, what, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainersException e) when (e is FailedPreconditionException or UnavailableException)
        {
            string? message = null;
            try
            {
                message = OciCliCommand.ErrorMessage(await File.ReadAllTextAsync(log, CancellationToken.None).ConfigureAwait(false));
            }
            catch (Exception io) when (io is FileNotFoundException or DirectoryNotFoundException)
            {
            }

            if (message is null)
            {
                throw;
            }

            throw OciCliCommand.ToException(Name, what, message);
        }
    }

    private Task<string> RunAsync(IEnumerable<string> args, string subject, CancellationToken cancellationToken) =>
        OciCliCommand.RunAsync(binary, root, subject, args, cancellationToken);

    /// <summary>Runs a command whose failure only matters as a yes or no (clean-up).</summary>
    private async Task<bool> TryRunAsync(IEnumerable<string> args)
    {
        try
        {
            await RunAsync(args, "clean-up", CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (ContainersException e)
        {
            LogCleanupFailed(e.Message);
            return false;
        }
    }

    /// <summary>After runc deleted a container some other process created: its shim records the exit, then leaves.</summary>
    private async Task WaitForForeignShimAsync(string id, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ShimExitTimeout);
        try
        {
            using var channel = await ShimStateDirectory.ConnectAsync(StateDirectory(id), timeout.Token).ConfigureAwait(false);
            if (channel is null)
            {
                return;
            }

            channel.Send("wait");
            while (await channel.ReceiveAsync(timeout.Token).ConfigureAwait(false) is { } message && !message.Is("exit"))
            {
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        catch (ContainersException)
        {
        }
    }

    private ExitStatus? TryReadExit(string id) => ShimStateDirectory.TryReadExit(StateDirectory(id));

    private T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)!;
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"{Name} printed a {what} that is not the JSON expected: {e.Message}", e);
        }
    }

    private void RequireBinary()
    {
        if (!File.Exists(binary))
        {
            throw new NotFoundException($"the OCI runtime {Name} is not at \"{binary}\"; install it or set OciCliRuntimeOptions.BinaryPath");
        }
    }

    private string StateDirectory(string id) => Path.Combine(stateRoot, id);

    private string MakeStateDirectory(string id) => ShimStateDirectory.Make(stateRoot, id);

    private void RemoveStateDirectory(string id) => ShimStateDirectory.Remove(StateDirectory(id));

    private static void ValidateId(string id) => ContainerIds.Validate(id);
}
