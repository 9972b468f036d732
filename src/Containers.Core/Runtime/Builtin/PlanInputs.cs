using Containers.Processes;

namespace Containers.Runtime.Builtin;

/// <summary>What the runtime adds to a spec to make a shim plan: where state and cgroup live, and how stdio goes.</summary>
internal sealed record PlanInputs
{
    public string? StateDirectory { get; init; }

    /// <summary>The container's cgroup in each hierarchy: what it joins, mounts, and (if its owner dies) removes.</summary>
    public IReadOnlyList<CgroupMountSource> Cgroups { get; init; } = [];

    public bool DieWithOwner { get; init; }

    public StdioMode Stdio { get; init; }

    /// <summary>The program runs as soon as it is set up, with no wait for start.</summary>
    public bool StartImmediately { get; init; }
}
