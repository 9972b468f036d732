using System.Text.Json.Serialization;

namespace Containers.Images.Content;

/// <summary>
/// A lease keeps blobs alive through garbage collection while something is still working with
/// them (a pull that has not tagged its image yet, a build). It ends at <see cref="ExpiresAt"/>.
/// </summary>
public sealed record Lease
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonPropertyName("resources")]
    public IReadOnlyList<Digest> Resources { get; init; } = [];

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } end && end <= now;
}
