using System.Text.Json.Serialization;
using Containers.Images.Layout;

namespace Containers.Images.Json;

/// <summary>
/// Source-generated JSON for every OCI document, so that nothing needs reflection (NativeAOT).
/// Output is compact and in the field order of the Go structs, so what we write hashes the same
/// on every run and reads like what Go tools write.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 32)]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfiguration))]
[JsonSerializable(typeof(OciLayoutMarker))]
[JsonSerializable(typeof(List<DockerArchiveEntry>))]
internal sealed partial class OciJsonContext : JsonSerializerContext
{
}
