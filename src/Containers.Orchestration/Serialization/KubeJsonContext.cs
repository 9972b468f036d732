using System.Text.Json.Serialization;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Serialization;

/// <summary>
/// The source-generated JSON contracts of every built-in kind (NativeAOT: no reflection). Use it
/// through <see cref="KubeJson"/>, whose options add Kubernetes' rules (empty collections left out,
/// unknown fields rejected in strict mode). A null in JSON reads as absent, as Go's decoder treats
/// null for a value field, because every non-nullable property's getter falls back to its default.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(Rfc3339TimeConverter)])]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(ConfigMap))]
public sealed partial class KubeJsonContext : JsonSerializerContext;
