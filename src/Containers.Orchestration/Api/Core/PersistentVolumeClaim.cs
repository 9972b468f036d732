using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Core;

/// <summary>core/v1 PersistentVolumeClaim: a request for storage, bound here to a local directory.</summary>
public sealed record PersistentVolumeClaim() : KubeObject("v1", KindName)
{
    public const string KindName = "PersistentVolumeClaim";

    public PersistentVolumeClaimSpec Spec { get => field ??= new(); init; }

    public PersistentVolumeClaimStatus Status { get => field ??= new(); init; }
}

public sealed record PersistentVolumeClaimSpec
{
    /// <summary>ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.</summary>
    public IReadOnlyList<string> AccessModes { get => field ?? []; init; }

    public LabelSelector? Selector { get; init; }

    public VolumeResourceRequirements Resources { get => field ??= new(); init; }

    /// <summary>The volume it is bound to.</summary>
    public string? VolumeName { get; init; }

    public string? StorageClassName { get; init; }

    /// <summary>Filesystem (the default) or Block.</summary>
    public string? VolumeMode { get; init; }

    public JsonElement? DataSource { get; init; }

    public JsonElement? DataSourceRef { get; init; }

    public string? VolumeAttributesClassName { get; init; }
}

public sealed record VolumeResourceRequirements
{
    public IReadOnlyDictionary<string, Quantity> Limits { get => field ?? ReadOnlyDictionary<string, Quantity>.Empty; init; }

    public IReadOnlyDictionary<string, Quantity> Requests { get => field ?? ReadOnlyDictionary<string, Quantity>.Empty; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PersistentVolumeClaimStatus
{
    /// <summary>Pending, Bound or Lost.</summary>
    public string? Phase { get; init; }

    public IReadOnlyList<string> AccessModes { get => field ?? []; init; }

    public IReadOnlyDictionary<string, Quantity> Capacity { get => field ?? ReadOnlyDictionary<string, Quantity>.Empty; init; }

    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }
}
