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

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}
