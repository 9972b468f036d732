using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>The layers' DiffIDs (digests of the uncompressed tars), bottom first.</summary>
public sealed record RootFs
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    [JsonPropertyName("diff_ids")]
    public required IReadOnlyList<Digest> DiffIds { get; init; }
}
