using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api;

/// <summary>
/// Kubernetes' <c>metadata</c>: what every object has. The store assigns <see cref="Uid"/>,
/// <see cref="CreationTimestamp"/> and <see cref="ResourceVersion"/>; the API server assigns the
/// rest of the system fields (generation, deletion timestamps).
/// </summary>
public sealed record ObjectMeta
{
    public string? Name { get; init; }

    /// <summary>A prefix from which the API server makes a unique name when <see cref="Name"/> is empty.</summary>
    public string? GenerateName { get; init; }

    public string? Namespace { get; init; }

    public string? Uid { get; init; }

    /// <summary>Opaque to clients; the decimal store revision of the object's last write.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Bumped by the API server on every change of the desired state (spec).</summary>
    public long? Generation { get; init; }

    public DateTimeOffset? CreationTimestamp { get; init; }

    /// <summary>When set, the object is being deleted and waits for its finalizers.</summary>
    public DateTimeOffset? DeletionTimestamp { get; init; }

    public long? DeletionGracePeriodSeconds { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    public IReadOnlyDictionary<string, string> Annotations { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    public IReadOnlyList<string> Finalizers { get => field ?? []; init; }

    public IReadOnlyList<OwnerReference> OwnerReferences { get => field ?? []; init; }

    /// <summary>Kept as read so that <c>get -o yaml</c> output applies back; nothing here interprets it.</summary>
    public IReadOnlyList<JsonElement> ManagedFields { get => field ?? []; init; }

    /// <summary>The controller owner reference, if any (the one with <c>controller: true</c>).</summary>
    [JsonIgnore]
    public OwnerReference? ControllerReference => OwnerReferences.FirstOrDefault(o => o.Controller == true);

}
