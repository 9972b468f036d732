using System.Text.Json.Serialization;
using Containers.Images.Content;
using Containers.Images.Snapshots.Local;

namespace Containers.Images.Json;

/// <summary>Source-generated JSON for the local store's own records.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(ImageRecord))]
[JsonSerializable(typeof(SnapshotMetadata))]
internal sealed partial class ContentJsonContext : JsonSerializerContext
{
}
