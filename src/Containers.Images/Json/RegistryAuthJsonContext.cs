using System.Text.Json;
using System.Text.Json.Serialization;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;

namespace Containers.Images.Json;

/// <summary>
/// Source-generated JSON for registry authentication: token server answers, Docker's
/// <c>config.json</c> and credential helpers' payloads.
/// Names match case-insensitively, as Go's JSON does for the files Docker writes.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    MaxDepth = 32)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(DockerConfigFile))]
[JsonSerializable(typeof(CredentialHelperPayload))]
internal sealed partial class RegistryAuthJsonContext : JsonSerializerContext
{
    /// <summary>For files people read: indented with tabs, as Docker writes its config.</summary>
    /// Made on first use: the generated <see cref="Default"/> may not be set while statics initialize.
    public static RegistryAuthJsonContext Indented => field ??= new(new JsonSerializerOptions(Default.Options)
    {
        WriteIndented = true,
        IndentCharacter = '\t',
        IndentSize = 1,
    });
}
