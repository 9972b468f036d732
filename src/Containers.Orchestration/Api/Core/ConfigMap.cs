using System.Collections.ObjectModel;
namespace Containers.Orchestration.Api.Core;

/// <summary>core/v1 ConfigMap: non-secret configuration for pods, as text and binary entries.</summary>
public sealed record ConfigMap() : KubeObject("v1", KindName)
{
    public const string KindName = "ConfigMap";

    public IReadOnlyDictionary<string, string> Data { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    /// <summary>Entries that are not UTF-8 text, base64 in JSON.</summary>
    public IReadOnlyDictionary<string, byte[]> BinaryData { get => field ?? ReadOnlyDictionary<string, byte[]>.Empty; init; }

    /// <summary>When true, data can no longer change (only the object's deletion).</summary>
    public bool? Immutable { get; init; }
}
