using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>Source-generated JSON for the runtime spec and state, so NativeAOT needs no reflection.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(OciSpec))]
[JsonSerializable(typeof(OciResources))]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(IReadOnlyList<ContainerState>))]
public sealed partial class OciJsonContext : JsonSerializerContext;
