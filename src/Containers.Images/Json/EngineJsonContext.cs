using System.Text.Json.Serialization;
using Containers.Images.Engine;

namespace Containers.Images.Json;

/// <summary>Source-generated JSON for the engine's container and volume records.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StoredContainer))]
[JsonSerializable(typeof(StoredVolume))]
[JsonSerializable(typeof(Containers.Images.Engine.Networking.StoredNetwork))]
internal sealed partial class EngineJsonContext : JsonSerializerContext
{
}
