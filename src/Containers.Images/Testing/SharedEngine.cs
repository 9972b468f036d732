using System.Globalization;
using Containers.Cgroups;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Layers;
using Containers.Images.Snapshots;
using Containers.Mounts;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Images.Testing;

/// <summary>
/// The engine that throwaway containers without <see cref="ContainerBuilder.WithEngine"/> run on:
/// one per process, made on first use, on a root of its own under
/// <c>$TMPDIR/dotnet-containers-testing/&lt;pid&gt;-&lt;start time&gt;</c> (the runtime's state
/// too), with its containers' cgroups under <c>dotnet-containers-testing-&lt;pid&gt;-&lt;start time&gt;</c>
/// beside this process's own. Containers get no network unless they publish ports, which puts
/// them on one bridge network the engine makes when first needed, on a free subnet.
/// </summary>
/// <remarks>
/// Its containers die with the process however it ends: the runtime's shim kills them when their
/// owner dies. When the process exits normally, the containers, the network and the root are
/// removed. What a killed process left (its root, its bridge, its cgroup parent) is removed by
/// the next process that makes a shared engine: the root's name says whose it was, and a pid
/// together with its start time is never reused.
/// </remarks>
internal static class SharedEngine
{
    /// <summary>The network containers that publish ports join, unless they name one.</summary>
    public const string NetworkName = "throwaway";

    private const string CgroupPrefix = "dotnet-containers-testing-";
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Opened? _current;
    private static bool _networkMade;
    private static bool _exitHooked;

    /// <summary>Where every process's shared root lives.</summary>
    public static string Parent => Path.Combine(Path.GetTempPath(), "dotnet-containers-testing");

    /// <summary>This process's root; made with the engine.</summary>
    public static string Root => Path.Combine(Parent, Owner);

    /// <summary>The cgroup, relative to this process's own, that holds the containers' cgroups.</summary>
    public static string CgroupParent => CgroupPrefix + Owner;

    private static string Owner { get; } = OwnerName(Environment.ProcessId, ProcessStart(Environment.ProcessId) ?? 0);

    /// <summary>The engine, made on first use (after removing what dead processes left).</summary>
    public static async Task<ContainerEngine> GetAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is null)
            {
                await RemoveRootsOfDeadProcessesAsync().ConfigureAwait(false);
                CreateRoot();
                _current = Open(Root, Owner);
                _networkMade = false;
                if (!_exitHooked)
                {
                    AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
                    _exitHooked = true;
                }
            }

            return _current.Engine;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The name of the engine's bridge network, made on first use.</summary>
    public static async Task<string> GetNetworkAsync(CancellationToken cancellationToken)
    {
        var engine = await GetAsync(cancellationToken).ConfigureAwait(false);
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_networkMade)
            {
                try
                {
                    await engine.CreateNetworkAsync(NetworkName, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (AlreadyExistsException)
                {
                    // Made by an earlier engine of this process's root.
                }

                _networkMade = true;
            }

            return NetworkName;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Removes what each process whose root is under <see cref="Parent"/> and which has ended left: containers, networks, mounts, the tree and its cgroup parent.</summary>
    internal static async Task RemoveRootsOfDeadProcessesAsync()
    {
        if (!Directory.Exists(Parent))
        {
            return;
        }

        foreach (var root in Directory.EnumerateDirectories(Parent))
        {
            var owner = Path.GetFileName(root);
            if (TryParseOwner(owner, out var pid, out var start) && ProcessStart(pid) != start)
            {
                try
                {
                    await DrainAsync(Open(root, owner)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException or OperationCanceledException)
                {
                    // What the engine could not remove, the removal of the tree below does.
                }

                RemoveLeftovers(root, owner);
            }
        }
    }

    /// <summary>The directory name of the root of process <paramref name="pid"/> started at <paramref name="start"/>.</summary>
    internal static string OwnerName(int pid, ulong start) =>
        string.Create(CultureInfo.InvariantCulture, $"{pid}-{start}");

    /// <summary>When process <paramref name="pid"/> started, in clock ticks after boot (field 22 of <c>/proc/&lt;pid&gt;/stat</c>); null when it does not exist.</summary>
    internal static ulong? ProcessStart(int pid) => ProcessIdentity.Of(pid)?.StartTime;

    private static Opened Open(string root, string owner)
    {
        var runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = Path.Combine(root, "run"), CgroupParent = CgroupPrefix + owner });
        var engine = new ContainerEngine(new EngineOptions { Root = root, DefaultNetwork = "none", ContainersDieWithEngine = true }, runtime);
        return new Opened(engine, runtime);
    }

    private static void CreateRoot()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(Root);
                return;
            }
            catch (IOException) when (attempt < 3)
            {
                // Another process's exit removed the empty parent between our mkdirs; make it again.
            }
        }
    }

    private static bool TryParseOwner(string name, out int pid, out ulong start)
    {
        start = 0;
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return int.TryParse(name.AsSpan(0, Math.Max(dash, 0)), NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            && ulong.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out start);
    }

    /// <summary>Removes every container and network of the engine, then lets go of it and its runtime.</summary>
    private static async Task DrainAsync(Opened opened)
    {
        using var timeout = new CancellationTokenSource(ShutdownTimeout);
        try
        {
            foreach (var container in await opened.Engine.ListAsync(timeout.Token).ConfigureAwait(false))
            {
                try
                {
                    await opened.Engine.RemoveAsync(container.Id, force: true, timeout.Token).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    // Removed meanwhile.
                }
            }

            foreach (var network in await opened.Engine.ListNetworksAsync(timeout.Token).ConfigureAwait(false))
            {
                await opened.Engine.RemoveNetworkAsync(network.Name, timeout.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            await opened.Engine.DisposeAsync().ConfigureAwait(false);
            await opened.Runtime.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Unmounts and deletes what is left under a root, and its cgroup parent if empty.</summary>
    private static void RemoveLeftovers(string root, string owner)
    {
        try
        {
            var prefix = Path.GetFullPath(root) + "/";
            foreach (var mount in MountInfo.ReadSelf().Select(entry => entry.MountPoint).Where(point => point.StartsWith(prefix, StringComparison.Ordinal)).Reverse().ToArray())
            {
                SnapshotMounter.UnmountAll(mount);
            }

            LayerApplier.DeleteTree(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException)
        {
            // Busy, or removed by another process meanwhile; the next sweep tries again.
        }

        try
        {
            using var cgroupParent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(CgroupPrefix + owner));
            cgroupParent.DeleteAsync(TimeSpan.Zero).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or ContainersException)
        {
            // Never made (no container ran), still busy, or not beside this process's cgroup.
        }
    }

    /// <summary>
    /// Removes every container and network of the engine, then its root and cgroup parent; a
    /// later <see cref="GetAsync"/> makes a new engine. Runs at process exit; a test runner that
    /// kills its host before that finishes leaves the rest to the next process's sweep, so test
    /// suites call this when they are done.
    /// </summary>
    internal static async Task ShutdownAsync()
    {
        Opened? opened;
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            opened = _current;
            _current = null;
        }
        finally
        {
            Gate.Release();
        }

        if (opened is null)
        {
            return;
        }

        try
        {
            await DrainAsync(opened).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException or OperationCanceledException)
        {
            // What the engine could not remove, the removal of the tree below does.
        }

        RemoveLeftovers(Root, Owner);
        try
        {
            // Only when no other process has a root there; one making its root now makes it again.
            Directory.Delete(Parent);
        }
        catch (IOException)
        {
        }
    }

    private static void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            // The process is ending: what this does not finish in time, the shim and the next sweep remove.
            Task.Run(ShutdownAsync).Wait(ShutdownTimeout);
        }
        catch (AggregateException)
        {
        }
    }

    private sealed record Opened(ContainerEngine Engine, BuiltinRuntime Runtime);
}
