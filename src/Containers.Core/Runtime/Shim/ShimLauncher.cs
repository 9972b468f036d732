using System.Text;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Shim;

/// <summary>
/// Starts a shim with posix_spawn: its stdio is the container's, fd 3 is the owner channel, and
/// the plan is the first message on it. The shim forks once and the first process exits, so the
/// host reaps it and is never the long-lived shim's parent. Spawning comes first and the plan
/// later, so the host makes the cgroup while the shim's exec is under way.
/// </summary>
internal static unsafe class ShimLauncher
{
    /// <summary>Spawns the shim, which waits for its plan. <paramref name="stdio"/> holds the fds for its 0, 1 and 2.</summary>
    public static SpawnedShim Spawn(ReadOnlySpan<int> stdio)
    {
        var execPath = ShimBinary.ExecPath;
        var (channel, peer) = ShimChannel.CreatePair();
        int pid;
        try
        {
            pid = SpawnProcess(execPath, stdio, peer);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
        finally
        {
            LibC.Close(peer);
        }

        return new SpawnedShim(channel, pid);
    }

    /// <summary>Sends the plan. The first shim process exits once it has forked; <see cref="Reap"/> it after the shim has answered, when waiting costs nothing.</summary>
    public static void SendPlan(SpawnedShim shim, ShimPlan plan) => shim.Channel.Send(plan.Bytes.Span);

    /// <summary>Gives up on a shim that has no plan yet: it exits without a word, and is reaped.</summary>
    public static void Abandon(SpawnedShim shim)
    {
        shim.Channel.Dispose();
        Reap(shim.Pid);
    }

    private static int SpawnProcess(string execPath, ReadOnlySpan<int> stdio, int peer)
    {
        var actions = stackalloc byte[LibC.SpawnStructSize];
        var attributes = stackalloc byte[LibC.SpawnStructSize];
        var signals = stackalloc byte[256];
        Check(LibC.SpawnFileActionsInit(actions), "posix_spawn_file_actions_init");
        Check(LibC.SpawnAttrInit(attributes), "posix_spawnattr_init");
        try
        {
            for (var i = 0; i < 3; i++)
            {
                Check(LibC.SpawnFileActionsAddDup2(actions, stdio[i], i), "SpawnFileActionsAddDup2");
            }

            Check(LibC.SpawnFileActionsAddDup2(actions, peer, 3), "SpawnFileActionsAddDup2");

            // .NET ignores SIGPIPE and handles others; the shim starts from a clean slate.
            Check(LibC.SigFillSet(signals), "SigFillSet");
            Check(LibC.SpawnAttrSetSigDefault(attributes, signals), "SpawnAttrSetSigDefault");
            Check(LibC.SigEmptySet(signals), "SigEmptySet");
            Check(LibC.SpawnAttrSetSigMask(attributes, signals), "SpawnAttrSetSigMask");
            Check(LibC.SpawnAttrSetFlags(attributes, LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK), "SpawnAttrSetFlags");

            var path = Encoding.UTF8.GetBytes(execPath + "\0");
            var name = "containers-shim\0"u8;
            fixed (byte* pathPtr = path)
            fixed (byte* namePtr = name)
            {
                var argv = stackalloc byte*[2] { namePtr, null };
                var envp = stackalloc byte*[1] { null };
                int pid;
                var rc = LibC.PosixSpawn(&pid, pathPtr, actions, attributes, argv, envp);
                return rc == 0 ? pid : throw Errno.ToException(rc, "posix_spawn", "the container shim");
            }
        }
        finally
        {
            _ = LibC.SpawnFileActionsDestroy(actions);
            _ = LibC.SpawnAttrDestroy(attributes);
        }
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw Errno.ToException(rc, call, "the container shim's spawn attributes");
        }
    }

    /// <summary>The first shim process only forks and exits (or, with no plan, just exits), so this wait is short.</summary>
    public static void Reap(int pid)
    {
        int status;
        while (LibC.WaitPid(pid, &status, 0) < 0 && Errno.Last == Errno.EINTR)
        {
        }
    }
}
