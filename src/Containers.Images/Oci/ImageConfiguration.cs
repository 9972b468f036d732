using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>
/// The image configuration blob: what the image runs, on which platform, and the DiffIDs of its
/// layers. Fields that OCI does not name (Docker's <c>container_config</c>, <c>docker_version</c>)
/// are kept in <see cref="Extra"/> so that editing a Docker config loses nothing.
/// </summary>
public sealed record ImageConfiguration
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(Rfc3339JsonConverter))]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string OS { get; init; }

    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("config")]
    public ContainerConfig? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public required RootFs RootFs { get; init; }

    [JsonPropertyName("history")]
    public IReadOnlyList<HistoryEntry>? History { get; init; }

    // Not init: the source generator binds init-only properties like constructor parameters,
    // which extension data cannot be. An internal setter keeps it read-only to users.
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? Extra { get; internal set; }

    /// <summary>The platform this configuration declares.</summary>
    [JsonIgnore]
    public Platform Platform => new() { OS = OS, Architecture = Architecture, Variant = Variant, OSVersion = OSVersion, OSFeatures = OSFeatures };
}
