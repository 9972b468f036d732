using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>Lifecycle hooks. Read and kept; this runtime runs none of them yet.</summary>
public sealed record OciHooks
{
    [JsonPropertyName("prestart")]
    public IReadOnlyList<OciHook>? Prestart { get; init; }

    [JsonPropertyName("createRuntime")]
    public IReadOnlyList<OciHook>? CreateRuntime { get; init; }

    [JsonPropertyName("createContainer")]
    public IReadOnlyList<OciHook>? CreateContainer { get; init; }

    [JsonPropertyName("startContainer")]
    public IReadOnlyList<OciHook>? StartContainer { get; init; }

    [JsonPropertyName("poststart")]
    public IReadOnlyList<OciHook>? Poststart { get; init; }

    [JsonPropertyName("poststop")]
    public IReadOnlyList<OciHook>? Poststop { get; init; }
}

/// <summary>One hook: a program with its arguments.</summary>
public sealed record OciHook
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("args")]
    public IReadOnlyList<string>? Args { get; init; }

    [JsonPropertyName("env")]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("timeout")]
    public int? Timeout { get; init; }
}
