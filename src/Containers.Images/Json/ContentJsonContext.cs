using System.Text.Json.Serialization;
using Containers.Images.Content;

namespace Containers.Images.Json;

/// <summary>Source-generated JSON for the local store's own records.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(ImageRecord))]
internal sealed partial class ContentJsonContext : JsonSerializerContext
{
}
