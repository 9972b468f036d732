using System.Text.Json.Serialization;

namespace Containers.Images.Layout;

/// <summary>One image in the <c>manifest.json</c> of a <c>docker save</c> archive.</summary>
internal sealed record DockerArchiveEntry
{
    [JsonPropertyName("Config")]
    public required string Config { get; init; }

    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")]
    public required IReadOnlyList<string> Layers { get; init; }
}
