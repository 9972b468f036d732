using System.Globalization;
using Containers.Cgroups;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Images.Layers;
using Containers.Images.Snapshots;
using Containers.Mounts;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Images.Testing;

/// <summary>
/// The engine that throwaway containers without <see cref="ContainerBuilder.WithEngine"/> run on:
/// one per process, made on first use, on a root of its own under
/// <c>$TMPDIR/dotnet-containers-testing/&lt;pid&gt;-&lt;start time&gt;</c>, with its containers'
/// cgroups under <c>dotnet-containers-testing-&lt;pid&gt;-&lt;start time&gt;</c> (beside this process's own).
/// The runtime's state is under the root too, so no other user of the runtime's default state
/// directory sees these containers.
/// </summary>
/// <remarks>
/// Its containers die with the process however it ends (the engine's containers do by default:
/// the runtime's shim kills them and removes their cgroup and state). When the process exits
/// normally, the containers and the root are removed. A root left by a process that was killed
/// is removed by the next process that makes a shared engine: the name says whose it was, and
/// the pid together with its start time cannot be reused.
/// </remarks>
internal static class SharedEngine
{
    private const string CgroupPrefix = "dotnet-containers-testing-";
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lock Gate = new();
    private static ContainerEngine? _engine;
    private static BuiltinRuntime? _runtime;

    /// <summary>Where every process's shared root lives.</summary>
    public static string Parent => Path.Combine(Path.GetTempPath(), "dotnet-containers-testing");

    /// <summary>This process's root; made with the engine.</summary>
    public static string Root => Path.Combine(Parent, Owner);

    /// <summary>The cgroup, relative to this process's own, that holds the containers' cgroups.</summary>
    public static string CgroupParent => CgroupPrefix + Owner;

    private static string Owner { get; } = OwnerName(Environment.ProcessId, ProcessStart(Environment.ProcessId) ?? 0);

    /// <summary>The engine, made on first use.</summary>
    public static ContainerEngine Instance
    {
        get
        {
            lock (Gate)
            {
                if (_engine is null)
                {
                    RemoveRootsOfDeadProcesses();
                    CreateRoot();
                    _runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = Path.Combine(Root, "run"), CgroupParent = CgroupParent });
                    _engine = new ContainerEngine(new EngineOptions { Root = Root, ContainersDieWithEngine = true }, _runtime);
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
                }

                return _engine;
            }
        }
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

    /// <summary>Removes the roots under <see cref="Parent"/> whose process has ended: their mounts first, then the trees.</summary>
    internal static void RemoveRootsOfDeadProcesses()
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
                RemoveRoot(root);
                RemoveCgroupParent(CgroupPrefix + owner);
            }
        }
    }

    /// <summary>The directory name of the root of process <paramref name="pid"/> started at <paramref name="start"/>.</summary>
    internal static string OwnerName(int pid, ulong start) =>
        string.Create(CultureInfo.InvariantCulture, $"{pid}-{start}");

    /// <summary>When process <paramref name="pid"/> started, in clock ticks after boot (field 22 of <c>/proc/&lt;pid&gt;/stat</c>); null when it does not exist.</summary>
    internal static ulong? ProcessStart(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' do not.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int startField = 22 - 3;
        return fields.Length > startField && ulong.TryParse(fields[startField], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    private static bool TryParseOwner(string name, out int pid, out ulong start)
    {
        start = 0;
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return int.TryParse(name.AsSpan(0, Math.Max(dash, 0)), NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            && ulong.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out start);
    }

    private static void RemoveRoot(string root)
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
            // Another process is removing it too, or it is not ours to remove; the next sweep tries again.
        }
    }

    /// <summary>Removes an empty cgroup parent; one that still holds processes, or that sits beside another process's cgroup, stays.</summary>
    private static void RemoveCgroupParent(string path)
    {
        try
        {
            using var parent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(path));
            if (parent.Exists)
            {
                parent.DeleteAsync(TimeSpan.Zero).GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException)
        {
            // Still busy; the next sweep from this cgroup tries again.
        }
    }

    /// <summary>At process exit: removes every container of the engine, then the engine and its root.</summary>
    private static void Shutdown()
    {
        ContainerEngine? engine;
        BuiltinRuntime? runtime;
        lock (Gate)
        {
            (engine, runtime) = (_engine, _runtime);
            (_engine, _runtime) = (null, null);
        }

        if (engine is null || runtime is null)
        {
            return;
        }

        var removal = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(ShutdownTimeout);
            foreach (var container in await engine.ListAsync(timeout.Token).ConfigureAwait(false))
            {
                try
                {
                    await engine.RemoveAsync(container.Id, force: true, timeout.Token).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    // Removed meanwhile.
                }
            }

            await engine.DisposeAsync().ConfigureAwait(false);
            await runtime.DisposeAsync().ConfigureAwait(false);
        });
        try
        {
            removal.Wait(ShutdownTimeout);
        }
        catch (AggregateException)
        {
            // The process is ending: what is left, the shim and the next sweep remove.
        }

        RemoveRoot(Root);
        RemoveCgroupParent(CgroupParent);
        try
        {
            // Only when no other process has a root there; one making its root now recreates it.
            Directory.Delete(Parent);
        }
        catch (IOException)
        {
        }
    }
}
