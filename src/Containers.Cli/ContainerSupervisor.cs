using System.Diagnostics;
using System.Globalization;
using System.Net;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Networking.Ports;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Cli;

/// <summary>
/// What dockerd does for a detached container while no command runs: it serves the container's
/// published ports (as docker-proxy) and removes an <c>--rm</c> container once it exits. The
/// engine's forwarders live in the process that started the container, and <c>run -d</c> exits;
/// so it starts <c>containers __supervise</c>, detached (a session of its own, stdio on
/// /dev/null), which forwards the same host endpoints until the container exits or is removed,
/// then removes it if asked. Its pid is kept in <c>&lt;root&gt;/supervisors/&lt;id&gt;.pid</c>, so
/// that <c>stop</c> and <c>rm</c> can wait for it and end it.
/// </summary>
internal static class ContainerSupervisor
{
    public const string CommandName = "__supervise";

    /// <summary>What the supervisor prints once it listens, before it lets go of its stdio.</summary>
    private const string Ready = "ready";

    private static readonly TimeSpan BindRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Hands what the containers this command started need after it exits over to supervisors:
    /// the session's engine lets go of their ports, and a supervisor starts for each container that
    /// publishes any or is removed when it exits. A container whose supervisor cannot start is removed.
    /// </summary>
    public static async Task HandOverAsync(LocalSession session, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var supervised = new List<ContainerInfo>();
        foreach (var id in ids)
        {
            var info = await session.Engine.InspectAsync(id, cancellationToken).ConfigureAwait(false);
            if ((info.Ports.Count > 0 && info.IPAddress is not null) || info.AutoRemove)
            {
                supervised.Add(info);
            }
        }

        if (supervised.Count == 0)
        {
            return;
        }

        await session.CloseEngineAsync().ConfigureAwait(false);
        foreach (var info in supervised)
        {
            try
            {
                await StartAsync(session.Root, info, cancellationToken).ConfigureAwait(false);
            }
            catch (ContainersException)
            {
                await session.Engine.RemoveAsync(info.Id, force: true, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Starts the supervisor of <paramref name="info"/>'s container and returns once it listens on every published port.</summary>
    /// <exception cref="UnavailableException">The supervisor did not start, or could not listen; its error is in the message.</exception>
    private static async Task StartAsync(string root, ContainerInfo info, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(SelfExecutable())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        List<string> arguments = ["--root", root, CommandName, info.Id];
        if (info.AutoRemove)
        {
            arguments.Add("--remove");
        }

        if (info.IPAddress is { } address)
        {
            foreach (var port in info.Ports)
            {
                arguments.AddRange(["--publish", new PortBinding(port.ContainerPort, port.HostEndPoint.Port, port.HostEndPoint.Address, port.Protocol).ToString()]);
            }

            arguments.AddRange(["--address", address.ToString()]);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new UnavailableException($"could not start {start.FileName} {CommandName}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience + TimeSpan.FromSeconds(10));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        if (first != Ready)
        {
            var error = await process.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
            throw new UnavailableException($"the supervisor of container {info.Id[..12]} did not start: {error.Trim()}");
        }
    }

    /// <summary>
    /// The supervisor itself: listens on every binding (waiting a little for ports the starting
    /// engine still holds), says so, detaches, and forwards until the container exits, is removed,
    /// or <paramref name="cancellationToken"/> (SIGTERM) ends it; then removes it if asked.
    /// </summary>
    public static async Task<int> ServeAsync(string root, string id, bool remove, IPAddress? address, IReadOnlyList<PortBinding> bindings, TextWriter output, CancellationToken cancellationToken)
    {
        var forwarders = new List<PortForwarder>();
        var pidFile = PidFile(root, id);
        var exited = false;
        try
        {
            foreach (var binding in bindings)
            {
                forwarders.Add(await ListenAsync(binding, address ?? throw new InvalidArgumentException("--publish needs --address, the container's"), cancellationToken).ConfigureAwait(false));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
            await File.WriteAllTextAsync(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(Ready).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            Posix.Detach();

            await using (var runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = Path.Combine(root, "run") }))
            {
                try
                {
                    await runtime.WaitAsync(id, cancellationToken).ConfigureAwait(false);
                }
                catch (ContainersException)
                {
                    // Gone from the runtime: removed, or never there.
                }
            }

            exited = true;
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            // Once the container has ended, a reply it wrote just before still reaches its client.
            var grace = exited ? Grace : TimeSpan.Zero;
            await Task.WhenAll(forwarders.Select(f => f.StopAsync(grace).AsTask())).ConfigureAwait(false);

            if (IsOurs(pidFile))
            {
                File.Delete(pidFile);
            }

            if (exited && remove)
            {
                await RemoveAsync(root, id).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Returns once the supervisor of container <paramref name="id"/> (if it has one) has gone.
    /// With <paramref name="letItFinish"/> (the container has exited or been removed), it is given
    /// a few seconds to end on its own, removing an <c>--rm</c> container first; otherwise (a
    /// restart is coming, which must neither find its ports taken nor see the container removed)
    /// it is ended at once.
    /// </summary>
    public static async Task StopAsync(string root, string id, bool letItFinish, CancellationToken cancellationToken = default)
    {
        var pidFile = PidFile(root, id);
        if (!File.Exists(pidFile) || !int.TryParse(await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        // Only a supervisor of this container: a pid left by one that died may be someone else's
        // now. Once it is known, it is followed by its start time, not its command line, which a
        // process that is exiting has already lost while it still holds its sockets.
        if (!IsSupervisorOf(pid, id) || ProcessIdentity.Of(pid) is not { } supervisor)
        {
            File.Delete(pidFile);
            return;
        }

        if (letItFinish)
        {
            await WaitForExitAsync(supervisor, cancellationToken).ConfigureAwait(false);
        }

        if (supervisor.IsRunning && Posix.Signal(pid, Posix.SigTerm))
        {
            await WaitForExitAsync(supervisor, cancellationToken).ConfigureAwait(false);
        }

        File.Delete(pidFile);
    }

    private static async Task WaitForExitAsync(ProcessIdentity supervisor, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (supervisor.IsRunning && DateTime.UtcNow < deadline)
        {
            await Task.Delay(BindRetry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes an exited <c>--rm</c> container, as dockerd does; an engine on the root does the work.</summary>
    private static async Task RemoveAsync(string root, string id)
    {
        var session = new LocalSession(root);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                await session.Engine.RemoveAsync(id, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                // Removed by rm, or by an engine that saw it exit first.
            }
        }
    }

    private static async Task<PortForwarder> ListenAsync(PortBinding binding, IPAddress address, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await PortForwarder.StartAsync(binding, address, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ConflictException) when (DateTime.UtcNow < deadline)
            {
                // The engine of `run -d` is letting go of it.
                await Task.Delay(BindRetry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string PidFile(string root, string id) => Path.Combine(root, "supervisors", $"{id}.pid");

    private static bool IsOurs(string pidFile) =>
        File.Exists(pidFile) && File.ReadAllText(pidFile) == Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="pid"/> is a live (not zombie) supervisor of container <paramref name="id"/>.</summary>
    private static bool IsSupervisorOf(int pid, string id)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return ProcessIdentity.Of(pid) is { IsRunning: true } && arguments.Contains(CommandName) && arguments.Contains(id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>This program: the published executable, or the apphost beside the assembly when run under dotnet (tests).</summary>
    private static string SelfExecutable() =>
        Environment.ProcessPath is { } path && Path.GetFileName(path) == "containers" ? path : Path.Combine(AppContext.BaseDirectory, "containers");
}
