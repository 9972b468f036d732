using System.Text.Json.Serialization;

namespace Containers.Images.Registry.Auth.Docker;

/// <summary>
/// What <c>docker-credential-&lt;name&gt; get</c> prints and <c>store</c> reads. A
/// <see cref="Username"/> of <c>&lt;token&gt;</c> marks <see cref="Secret"/> as an identity token.
/// </summary>
internal sealed record CredentialHelperPayload(
    [property: JsonPropertyName("ServerURL")] string? ServerUrl,
    [property: JsonPropertyName("Username")] string? Username,
    [property: JsonPropertyName("Secret")] string? Secret)
{
    public const string IdentityTokenUsername = "<token>";
}
