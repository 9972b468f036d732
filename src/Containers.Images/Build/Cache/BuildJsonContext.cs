using System.Text.Json.Serialization;

namespace Containers.Images.Build.Cache;

/// <summary>Source-generated JSON for the build cache's records.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CacheRecord))]
[JsonSerializable(typeof(List<FileHashRecord>))]
internal sealed partial class BuildJsonContext : JsonSerializerContext
{
}
