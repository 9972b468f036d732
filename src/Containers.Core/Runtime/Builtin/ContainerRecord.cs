using System.Text.Json.Serialization;

namespace Containers.Runtime.Builtin;

/// <summary>What the built-in runtime keeps on disk for a container (<c>state.json</c>, through <see cref="ContainerRecordJson"/>).</summary>
internal sealed record ContainerRecord
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("bundle")]
    public required string Bundle { get; init; }

    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("pidStartTime")]
    public ulong PidStartTime { get; init; }

    [JsonPropertyName("shimPid")]
    public int ShimPid { get; init; }

    [JsonPropertyName("shimStartTime")]
    public ulong ShimStartTime { get; init; }

    [JsonPropertyName("ownerPid")]
    public int OwnerPid { get; init; }

    [JsonPropertyName("ownerStartTime")]
    public ulong OwnerStartTime { get; init; }

    [JsonPropertyName("dieWithOwner")]
    public bool DieWithOwner { get; init; }

    [JsonPropertyName("cgroupPath")]
    public required string CgroupPath { get; init; }

    [JsonPropertyName("namespaces")]
    public IReadOnlyList<Spec.OciNamespace> Namespaces { get; init; } = [];

    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
