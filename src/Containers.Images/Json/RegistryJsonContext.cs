using System.Text.Json.Serialization;
using Containers.Images.Registry;

namespace Containers.Images.Json;

/// <summary>Source-generated JSON for the registry protocol's own documents (error bodies, tag lists).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 16)]
[JsonSerializable(typeof(RegistryErrorBody))]
[JsonSerializable(typeof(TagList))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext
{
}
