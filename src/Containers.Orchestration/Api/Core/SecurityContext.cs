using System.Text.Json;

namespace Containers.Orchestration.Api.Core;

/// <summary>A container's privileges and identity.</summary>
public sealed record SecurityContext
{
    public Capabilities? Capabilities { get; init; }

    public bool? Privileged { get; init; }

    public long? RunAsUser { get; init; }

    public long? RunAsGroup { get; init; }

    public bool? RunAsNonRoot { get; init; }

    public bool? ReadOnlyRootFilesystem { get; init; }

    public bool? AllowPrivilegeEscalation { get; init; }

    public string? ProcMount { get; init; }

    public JsonElement? SeLinuxOptions { get; init; }

    public JsonElement? SeccompProfile { get; init; }

    public JsonElement? AppArmorProfile { get; init; }

    public WindowsSecurityContextOptions? WindowsOptions { get; init; }
}

public sealed record Capabilities
{
    public IReadOnlyList<string> Add { get => field ?? []; init; }

    public IReadOnlyList<string> Drop { get => field ?? []; init; }
}

/// <summary>Identity and settings shared by all containers of a pod.</summary>
public sealed record PodSecurityContext
{
    public long? RunAsUser { get; init; }

    public long? RunAsGroup { get; init; }

    public bool? RunAsNonRoot { get; init; }

    public IReadOnlyList<long> SupplementalGroups { get => field ?? []; init; }

    /// <summary>Merge (the default: add the image's groups of the user) or Strict (only the groups listed here).</summary>
    public string? SupplementalGroupsPolicy { get; init; }

    public long? FsGroup { get; init; }

    public string? FsGroupChangePolicy { get; init; }

    public IReadOnlyList<Sysctl> Sysctls { get => field ?? []; init; }

    public JsonElement? SeLinuxOptions { get; init; }

    public JsonElement? SeccompProfile { get; init; }

    public JsonElement? AppArmorProfile { get; init; }

    public WindowsSecurityContextOptions? WindowsOptions { get; init; }
}

/// <summary>Identity settings of Windows containers, kept so Windows manifests apply; Linux nodes ignore them.</summary>
public sealed record WindowsSecurityContextOptions
{
    public string? GmsaCredentialSpecName { get; init; }

    public string? GmsaCredentialSpec { get; init; }

    public string? RunAsUserName { get; init; }

    public bool? HostProcess { get; init; }
}

public sealed record Sysctl
{
    public string Name { get => field ?? string.Empty; init; }

    public string Value { get => field ?? string.Empty; init; }
}
