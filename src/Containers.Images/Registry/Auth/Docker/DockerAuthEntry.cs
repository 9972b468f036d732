using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Images.Registry.Auth.Docker;

/// <summary>One registry's entry in <c>auths</c>: base64 <c>user:password</c>, or an identity token.</summary>
internal sealed class DockerAuthEntry
{
    [JsonPropertyName("auth")]
    public string? Auth { get; set; }

    /// <summary>Written by some tools instead of <see cref="Auth"/>; read, never written.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
