namespace Containers.Orchestration.Api.Core;

/// <summary>Where a container sees one of the pod's volumes.</summary>
public sealed record VolumeMount
{
    public string Name { get => field ?? string.Empty; init; }

    public string MountPath { get => field ?? string.Empty; init; }

    public bool? ReadOnly { get; init; }

    public string? SubPath { get; init; }

    public string? SubPathExpr { get; init; }

    public string? MountPropagation { get; init; }
}
