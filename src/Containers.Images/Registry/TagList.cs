using System.Text.Json.Serialization;

namespace Containers.Images.Registry;

/// <summary>One page of <c>GET /v2/&lt;name&gt;/tags/list</c>.</summary>
internal sealed record TagList(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags);
