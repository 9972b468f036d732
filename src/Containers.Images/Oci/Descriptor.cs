using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>An OCI content descriptor: what a blob is, how big, and its digest.</summary>
public sealed record Descriptor
{
    [JsonPropertyName("mediaType")]
    public required MediaType MediaType { get; init; }

    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Small content embedded in the descriptor (base64 in JSON).</summary>
    [JsonPropertyName("data")]
    public byte[]? Data { get; init; }

    [JsonPropertyName("platform")]
    public Platform? Platform { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>The value of an annotation, or null.</summary>
    public string? GetAnnotation(string key) =>
        Annotations is not null && Annotations.TryGetValue(key, out var value) ? value : null;

    /// <summary>Describes bytes in memory.</summary>
    public static Descriptor For(MediaType mediaType, ReadOnlySpan<byte> content) => new()
    {
        MediaType = mediaType,
        Digest = Digest.Compute(content),
        Size = content.Length,
    };

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
}
