using System.Text.Json;

namespace Containers.Orchestration.Api.Core;

/// <summary>A named volume of a pod, with exactly one source.</summary>
/// <remarks>Projected and downward-API volumes are kept as JSON until a node agent serves them.</remarks>
public sealed record Volume
{
    /// <summary>A DNS-1123 label, unique in the pod.</summary>
    public string Name { get => field ?? string.Empty; init; }

    public EmptyDirVolumeSource? EmptyDir { get; init; }

    public HostPathVolumeSource? HostPath { get; init; }

    public ConfigMapVolumeSource? ConfigMap { get; init; }

    public SecretVolumeSource? Secret { get; init; }

    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }

    public ImageVolumeSource? Image { get; init; }

    public JsonElement? Projected { get; init; }

    public JsonElement? DownwardAPI { get; init; }
}

public sealed record EmptyDirVolumeSource
{
    /// <summary>Empty for the node's disk, Memory for a tmpfs.</summary>
    public string? Medium { get; init; }

    public Quantity? SizeLimit { get; init; }

    /// <summary>The directory's permission bits, 0 to 01777; 0777 when unset.</summary>
    public int? Mode { get; init; }
}

public sealed record HostPathVolumeSource
{
    public string Path { get => field ?? string.Empty; init; }

    /// <summary>Empty, DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.</summary>
    public string? Type { get; init; }
}

public sealed record ConfigMapVolumeSource
{
    public string? Name { get; init; }

    public IReadOnlyList<KeyToPath> Items { get => field ?? []; init; }

    /// <summary>File mode bits, 0644 by default.</summary>
    public int? DefaultMode { get; init; }

    public bool? Optional { get; init; }
}

public sealed record SecretVolumeSource
{
    public string? SecretName { get; init; }

    public IReadOnlyList<KeyToPath> Items { get => field ?? []; init; }

    public int? DefaultMode { get; init; }

    public bool? Optional { get; init; }
}

/// <summary>Puts one key of a ConfigMap or Secret at a relative path.</summary>
public sealed record KeyToPath
{
    public string Key { get => field ?? string.Empty; init; }

    public string Path { get => field ?? string.Empty; init; }

    public int? Mode { get; init; }
}

public sealed record PersistentVolumeClaimVolumeSource
{
    public string ClaimName { get => field ?? string.Empty; init; }

    public bool? ReadOnly { get; init; }
}

/// <summary>The contents of an OCI image or artifact, mounted read-only.</summary>
public sealed record ImageVolumeSource
{
    public string? Reference { get; init; }

    /// <summary>Always, IfNotPresent or Never; defaulted from the reference's tag as a container's is.</summary>
    public string? PullPolicy { get; init; }
}
