namespace Containers.Runtime.Spec;

/// <summary>The Linux namespaces a container can create or join; see <see cref="NamespaceKinds"/> for their names and flags.</summary>
public enum NamespaceKind
{
    /// <summary>Process ids (<c>pid</c>, CLONE_NEWPID).</summary>
    Pid,

    /// <summary>Network stack (<c>network</c>, CLONE_NEWNET).</summary>
    Network,

    /// <summary>Mount table (<c>mount</c>, CLONE_NEWNS).</summary>
    Mount,

    /// <summary>System V IPC and POSIX message queues (<c>ipc</c>, CLONE_NEWIPC).</summary>
    Ipc,

    /// <summary>Hostname and domain name (<c>uts</c>, CLONE_NEWUTS).</summary>
    Uts,

    /// <summary>User and group ids (<c>user</c>, CLONE_NEWUSER).</summary>
    User,

    /// <summary>The cgroup root (<c>cgroup</c>, CLONE_NEWCGROUP).</summary>
    Cgroup,

    /// <summary>Monotonic and boot clocks (<c>time</c>, CLONE_NEWTIME).</summary>
    Time,
}
