using System.Text.Json.Serialization;

namespace Containers.Cli.Arguments;

/// <summary>Source-generated JSON for the root's <c>daemon.json</c>, for NativeAOT.</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(RegistryConfig))]
internal sealed partial class RegistryConfigJsonContext : JsonSerializerContext
{
}
