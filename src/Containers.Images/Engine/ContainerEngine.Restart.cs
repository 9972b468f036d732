using Containers.Errors;
using Containers.Processes;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    /// <summary>What the exit monitor does once it has recorded an exit.</summary>
    private enum ExitAction
    {
        None,
        Remove,
        Restart,
    }

    /// <summary>
    /// Restarts a container as <c>docker restart</c> does: stops it (its stop signal, then SIGKILL
    /// after <paramref name="grace"/>) if it runs, then starts it again on the same rootfs. An
    /// auto-remove container is not removed by this stop, and the restart count starts again from 0.
    /// </summary>
    public async Task RestartAsync(string idOrName, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        entry.Restarts.RestartRequested = true;
        try
        {
            await StopAsync(entry.Record.Id, grace, cancellationToken).ConfigureAwait(false);
            await StartAsync(entry.Record.Id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            entry.Restarts.RestartRequested = false;
        }
    }

    private static RestartPolicy RestartPolicyOf(StoredContainer record) => record.Restart is { } text ? RestartPolicy.Parse(text) : RestartPolicy.No;

    /// <exception cref="InvalidArgumentException">Auto-remove and a restart policy are both asked for.</exception>
    private static void CheckRestartPolicy(ContainerRunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec.Restart);
        if (spec.AutoRemove && spec.Restart.Kind != RestartPolicyKind.No)
        {
            throw new InvalidArgumentException($"conflicting options: auto-remove (--rm) and restart policy \"{spec.Restart}\" cannot be used together; drop one of them");
        }
    }

    /// <summary>
    /// Decides, under the gate, what follows an exit: nothing for a removed container or one stopped
    /// through the engine; removal for an auto-remove one (unless <see cref="RestartAsync"/> stopped
    /// it); otherwise what the restart policy says, with the next back-off.
    /// </summary>
    private ExitAction AfterExit(Entry entry, ExitStatus status)
    {
        var restarts = entry.Restarts;
        if (entry.Removed || restarts.RestartRequested)
        {
            return ExitAction.None;
        }

        if (entry.Record.AutoRemove)
        {
            return ExitAction.Remove;
        }

        if (restarts.StopRequested || !RestartPolicyOf(entry.Record).ShouldRestart(status.ExitCode, entry.Record.RestartCount))
        {
            return ExitAction.None;
        }

        var now = _time.GetUtcNow();
        restarts.Delay = restarts.Backoff.Next(now - (entry.Record.Started ?? now));
        restarts.Pending = CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token);
        return ExitAction.Restart;
    }

    /// <summary>Waits out the back-off, then starts the container again unless it was stopped or removed meanwhile; true when it runs again.</summary>
    private async Task<bool> RestartAfterBackoffAsync(Entry entry)
    {
        var pending = entry.Restarts.Pending!;
        Log.Restarting(_logger, entry.Record.Id, entry.Restarts.Delay, entry.Record.RestartCount);
        try
        {
            await Task.Delay(entry.Restarts.Delay, _time, pending.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped, removed, or the engine is being disposed.
        }

        await entry.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (entry.Removed || _disposing.IsCancellationRequested)
            {
                return false;
            }

            if (entry.Restarts.StopRequested || !entry.Record.Restarting)
            {
                await SaveAsync(entry, entry.Record with { Restarting = false }, CancellationToken.None).ConfigureAwait(false);
                return false;
            }

            try
            {
                await RecreateAsync(entry, CancellationToken.None).ConfigureAwait(false);
                await LaunchAsync(entry, entry.Record.RestartCount, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Whatever went wrong, the monitor must not die with a restart left pending.
                Log.RestartFailed(_logger, entry.Record.Id, error);
                await SaveAsync(entry, entry.Record with { Restarting = false }, CancellationToken.None).ConfigureAwait(false);
                return false;
            }
        }
        finally
        {
            entry.Restarts.Pending = null;
            pending.Dispose();
            entry.Gate.Release();
        }
    }

    /// <summary>
    /// Marks the container as stopped through the engine, so that its restart policy leaves it
    /// stopped, and cancels a restart the policy has pending: true when there was one (it is now stopped for good).
    /// </summary>
    private static async Task<bool> RequestStopAsync(Entry entry, CancellationToken cancellationToken)
    {
        // Under the gate: an exit being recorded now either sees the request or is seen here as pending.
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            entry.Restarts.StopRequested = true;
            if (!entry.Record.Restarting || entry.Removed)
            {
                return false;
            }

            if (entry.Restarts.Pending is { } pending)
            {
                await pending.CancelAsync().ConfigureAwait(false);
            }

            await SaveAsync(entry, entry.Record with { Restarting = false }, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Under the gate, before a remove: a restart the policy has pending is cancelled with force, and is a conflict without.</summary>
    /// <exception cref="ConflictException">The container is waiting to restart and <paramref name="force"/> is false.</exception>
    private static void CancelRestartForRemoval(Entry entry, bool force)
    {
        if (!entry.Record.Restarting)
        {
            return;
        }

        if (!force)
        {
            throw new ConflictException($"container {entry.Record.Name} ({entry.Record.Id[..12]}) is restarting; stop it before removing it, or remove it with force");
        }

        entry.Restarts.StopRequested = true;
        entry.Restarts.Pending?.Cancel();
    }

    /// <summary>
    /// Replaces the runtime's container of a stopped one with a new one on the same bundle and
    /// rootfs: the writable layer and the volumes stay, and the log goes on (the runtime's delete
    /// returns once the old shim has written the last run's output).
    /// </summary>
    private async Task RecreateAsync(Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _runtime.DeleteAsync(entry.Record.Id, force: true, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // An earlier engine's container that died with it.
        }

        if (entry.Created is { } old)
        {
            entry.Created = null;
            await old.DisposeAsync().ConfigureAwait(false);
        }

        await CreateInRuntimeAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The restart bookkeeping of one container that lives only in this engine.</summary>
    private sealed class RestartState
    {
        /// <summary>Stopped or killed through the engine since it was last started: its policy does not bring it back (Docker's HasBeenManuallyStopped).</summary>
        public bool StopRequested { get; set; }

        /// <summary><see cref="RestartAsync"/> is stopping it: this exit neither auto-removes it nor applies the policy.</summary>
        public bool RestartRequested { get; set; }

        public RestartBackoff Backoff { get; } = new();

        /// <summary>The wait before the pending restart.</summary>
        public TimeSpan Delay { get; set; }

        /// <summary>Cancels the pending restart's wait; set while one is pending.</summary>
        public CancellationTokenSource? Pending { get; set; }

        /// <summary>A start by hand: the policy applies again, and the back-off begins again.</summary>
        public void Reset()
        {
            StopRequested = false;
            Backoff.Reset();
        }
    }
}
