using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>A named image in the local store: a reference pointing at a manifest or index.</summary>
public sealed record ImageRecord
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("target")]
    public required Descriptor Target { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updatedAt")]
    public required DateTimeOffset UpdatedAt { get; init; }
}
