using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>A mount in the container, with the spec's fstab-style options (<c>nosuid</c>, <c>rbind</c>, <c>mode=755</c>…).</summary>
public sealed record OciMount
{
    [JsonPropertyName("destination")]
    public required string Destination { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("source")]
    public string? Source { get; init; }

    [JsonPropertyName("options")]
    public IReadOnlyList<string>? Options { get; init; }
}
