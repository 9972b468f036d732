using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>The root filesystem: a path, relative to the bundle or absolute.</summary>
public sealed record OciRoot
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("readonly")]
    public bool Readonly { get; init; }
}
