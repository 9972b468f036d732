using System.Diagnostics;
using System.Globalization;
using System.Net;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Networking.Ports;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Cli;

/// <summary>
/// The published ports of a detached container, served by a process of their own. The engine's
/// forwarders live in the process that started the container, and <c>run -d</c> exits; so it
/// starts <c>containers __port-proxy</c>, detached (a session of its own, stdio on /dev/null),
/// which forwards the same host endpoints until the container exits or is removed, as
/// docker-proxy does for dockerd. Its pid is kept in <c>&lt;root&gt;/port-proxies/&lt;id&gt;.pid</c>,
/// so that <c>rm</c> can end it and wait for it.
/// </summary>
internal static class PortProxy
{
    public const string CommandName = "__port-proxy";

    /// <summary>What the proxy prints once it listens, before it lets go of its stdio.</summary>
    private const string Ready = "ready";

    private static readonly TimeSpan BindRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan BindPatience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Hands the published ports of containers this command started over to proxies of their
    /// own: the session's engine lets go of them, and a proxy listens on the same endpoints for
    /// each container that publishes any. A container whose proxy cannot start is removed.
    /// </summary>
    public static async Task HandOverAsync(LocalSession session, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var published = new List<ContainerInfo>();
        foreach (var id in ids)
        {
            var info = await session.Engine.InspectAsync(id, cancellationToken).ConfigureAwait(false);
            if (info.Ports.Count > 0 && info.IPAddress is not null)
            {
                published.Add(info);
            }
        }

        if (published.Count == 0)
        {
            return;
        }

        await session.CloseEngineAsync().ConfigureAwait(false);
        foreach (var info in published)
        {
            try
            {
                var bindings = info.Ports.Select(p => new PortBinding(p.ContainerPort, p.HostEndPoint.Port, p.HostEndPoint.Address, p.Protocol)).ToArray();
                await StartAsync(session.Root, info.Id, info.IPAddress!, bindings, cancellationToken).ConfigureAwait(false);
            }
            catch (ContainersException)
            {
                await session.Engine.RemoveAsync(info.Id, force: true, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Starts the proxy for container <paramref name="id"/> and returns once it listens on every binding.</summary>
    /// <exception cref="UnavailableException">The proxy did not start, or could not listen; its error is in the message.</exception>
    public static async Task StartAsync(string root, string id, IPAddress address, IReadOnlyList<PortBinding> bindings, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(SelfExecutable())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--root", root, CommandName, id, address.ToString(), .. bindings.Select(b => b.ToString())])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new UnavailableException($"could not start {start.FileName} {CommandName}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BindPatience + TimeSpan.FromSeconds(10));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        if (first != Ready)
        {
            var error = await process.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
            throw new UnavailableException($"the port proxy of container {id[..12]} did not start: {error.Trim()}");
        }
    }

    /// <summary>
    /// The proxy itself: listens on every binding (waiting a little for ports the starting
    /// engine still holds), says so, detaches, and forwards until the container exits, is
    /// removed, or <paramref name="cancellationToken"/> (SIGTERM) ends it.
    /// </summary>
    public static async Task<int> ServeAsync(string root, string id, IPAddress address, IReadOnlyList<PortBinding> bindings, TextWriter output, CancellationToken cancellationToken)
    {
        var forwarders = new List<PortForwarder>();
        var pidFile = PidFile(root, id);
        try
        {
            foreach (var binding in bindings)
            {
                forwarders.Add(await ListenAsync(binding, address, cancellationToken).ConfigureAwait(false));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
            await File.WriteAllTextAsync(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(Ready).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            Posix.Detach();

            await using var runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = Path.Combine(root, "run") });
            try
            {
                await runtime.WaitAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (ContainersException)
            {
                // Removed: nothing left to wait for.
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            foreach (var forwarder in forwarders)
            {
                await forwarder.DisposeAsync().ConfigureAwait(false);
            }

            if (IsOurs(pidFile))
            {
                File.Delete(pidFile);
            }
        }
    }

    /// <summary>Ends the proxy of container <paramref name="id"/>, if it has one, and waits until it has gone.</summary>
    public static async Task StopAsync(string root, string id, CancellationToken cancellationToken = default)
    {
        var pidFile = PidFile(root, id);
        if (!File.Exists(pidFile) || !int.TryParse(await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        // Only a proxy for this container: a pid left by a proxy that died may be someone else's now.
        if (IsProxyFor(pid, id) && Posix.Signal(pid, Posix.SigTerm))
        {
            var deadline = DateTime.UtcNow + BindPatience;
            while (IsProxyFor(pid, id) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(BindRetry, cancellationToken).ConfigureAwait(false);
            }
        }

        File.Delete(pidFile);
    }

    private static async Task<PortForwarder> ListenAsync(PortBinding binding, IPAddress address, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + BindPatience;
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

    private static string PidFile(string root, string id) => Path.Combine(root, "port-proxies", $"{id}.pid");

    private static bool IsOurs(string pidFile) =>
        File.Exists(pidFile) && File.ReadAllText(pidFile) == Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="pid"/> is a live (not zombie) proxy of container <paramref name="id"/>.</summary>
    private static bool IsProxyFor(int pid, string id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return state != 'Z' && arguments.Contains(CommandName) && arguments.Contains(id);
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
