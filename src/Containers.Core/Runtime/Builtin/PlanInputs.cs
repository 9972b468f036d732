using Containers.Processes;

namespace Containers.Runtime.Builtin;

/// <summary>What the runtime adds to a spec to make a shim plan: where state and cgroup live, and how stdio goes.</summary>
internal sealed record PlanInputs
{
    public string? StateDirectory { get; init; }

    public IReadOnlyList<string> CgroupProcsFiles { get; init; } = [];

    /// <summary>The container's cgroup directories, deepest first, for the shim to remove if its owner dies.</summary>
    public IReadOnlyList<string> CgroupDirectories { get; init; } = [];

    /// <summary>How the container sees its cgroup; empty when the host has none mounted.</summary>
    public IReadOnlyList<CgroupMountSource> CgroupMounts { get; init; } = [];

    public bool DieWithOwner { get; init; }

    public StdioMode Stdio { get; init; }
}
