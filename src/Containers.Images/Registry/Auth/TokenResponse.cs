using System.Text.Json.Serialization;

namespace Containers.Images.Registry.Auth;

/// <summary>
/// A token server's answer: the token spec's <c>token</c>, or OAuth2's <c>access_token</c> (servers
/// often send both), its lifetime, and an OAuth2 <c>refresh_token</c>.
/// </summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("issued_at")] string? IssuedAt,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken);
