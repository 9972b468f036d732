using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Images.Registry.Auth.Docker;

/// <summary>
/// Docker's <c>config.json</c>, the parts about credentials. Everything else in the file (proxies,
/// plugins, contexts...) is kept as it was when the file is written back.
/// </summary>
internal sealed class DockerConfigFile
{
    [JsonPropertyName("auths")]
    public Dictionary<string, DockerAuthEntry>? Auths { get; set; }

    /// <summary>The credential helper for every registry: <c>docker-credential-&lt;credsStore&gt;</c>.</summary>
    [JsonPropertyName("credsStore")]
    public string? CredsStore { get; set; }

    /// <summary>Registry to the credential helper that holds its credentials, over <see cref="CredsStore"/>.</summary>
    [JsonPropertyName("credHelpers")]
    public Dictionary<string, string>? CredHelpers { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
