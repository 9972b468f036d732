using System.Text.Json.Serialization;

namespace Containers.Images.Build.Cache;

/// <summary>
/// What one cached step made: its layer (digest, DiffID, size and media type of the blob in the
/// content store), or nothing for a step that changed no file, and when it was made (the history
/// entry keeps that time, as Docker's cache does).
/// </summary>
internal sealed record CacheRecord
{
    [JsonPropertyName("created")]
    public required DateTimeOffset Created { get; init; }

    /// <summary>The layer blob's digest; null when the step made no layer.</summary>
    [JsonPropertyName("digest")]
    public Digest? Digest { get; init; }

    [JsonPropertyName("diffId")]
    public Digest? DiffId { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("mediaType")]
    public MediaType? MediaType { get; init; }
}
