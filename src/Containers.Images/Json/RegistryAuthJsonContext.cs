using System.Text.Json.Serialization;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;

namespace Containers.Images.Json;

/// <summary>
/// Source-generated JSON for registry authentication: token server answers, Docker's
/// <c>config.json</c> (written back tab-indented, as Docker writes it) and credential helpers' payloads.
/// Names match case-insensitively, as Go's JSON does for the files Docker writes.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    WriteIndented = true,
    IndentCharacter = '\t',
    IndentSize = 1,
    MaxDepth = 32)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(DockerConfigFile))]
[JsonSerializable(typeof(CredentialHelperPayload))]
internal sealed partial class RegistryAuthJsonContext : JsonSerializerContext
{
}
