namespace Containers.Runtime.Shim;

/// <summary>The plan's opcodes; the numbers are <c>enum plan_op</c> in <c>native/shim.h</c>.</summary>
internal enum ShimOp : uint
{
    StateDir = 1,
    CloneFlags = 2,
    JoinNamespace = 3,
    UidMap = 4,
    GidMap = 5,
    CgroupProcs = 6,
    Rootfs = 7,
    RootfsPropagation = 8,
    Mount = 9,
    Device = 10,
    Symlink = 11,
    Mask = 12,
    ReadonlyPath = 13,
    ReadonlyRoot = 14,
    Sysctl = 15,
    Hostname = 16,
    Domainname = 17,
    Rlimit = 18,
    OomScoreAdj = 19,
    Cwd = 20,
    User = 21,
    Groups = 22,
    Capabilities = 23,
    NoNewPrivileges = 24,
    Args = 25,
    Env = 26,
    Terminal = 27,
    DieWithOwner = 28,
    StartNow = 29,
    CleanupDirectory = 30,
    Monitor = 31,
    SetgroupsDeny = 32,
    DeviceBind = 33,
    SetattrRecursive = 34,

    /// <summary>path: the monitor writes the container's stdout and stderr there as Docker json-file lines.</summary>
    LogFile = 40,

    /// <summary>path: when the owner dies, detach every mount on it once the container is dead.</summary>
    OwnerGoneUnmount = 41,

    /// <summary>path: when the owner dies, and after the unmounts, remove this tree (no symlink followed, no mount crossed).</summary>
    OwnerGoneRemove = 42,
}
