using System.Text.Encodings.Web;
using System.Text.Json;
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
    /// <summary>
    /// The context every read and write goes through. Like Go's encoder it leaves '+' and other
    /// non-HTML ASCII unescaped, so media types read as <c>…v1+json</c>, not <c>…v1\u002Bjson</c>.
    /// </summary>
    public static OciJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        MaxDepth = 32,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
