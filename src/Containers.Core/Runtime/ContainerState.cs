using System.Text.Json.Serialization;

namespace Containers.Runtime;

/// <summary>The state of a container, in the runtime spec's shape (what <c>runc state</c> prints).</summary>
public sealed record ContainerState
{
    [JsonPropertyName("ociVersion")]
    public required string OciVersion { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("status")]
    public required ContainerStatus Status { get; init; }

    /// <summary>The host pid of the container's process; 0 once it has stopped.</summary>
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("bundle")]
    public required string Bundle { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [JsonPropertyName("created")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Created { get; init; }
}
