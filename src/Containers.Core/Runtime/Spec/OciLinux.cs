using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>The Linux part of the spec: namespaces, id maps, cgroup, devices and paths.</summary>
public sealed record OciLinux
{
    [JsonPropertyName("uidMappings")]
    public IReadOnlyList<OciIdMapping>? UidMappings { get; init; }

    [JsonPropertyName("gidMappings")]
    public IReadOnlyList<OciIdMapping>? GidMappings { get; init; }

    [JsonPropertyName("sysctl")]
    public IReadOnlyDictionary<string, string>? Sysctl { get; init; }

    [JsonPropertyName("resources")]
    public OciResources? Resources { get; init; }

    /// <summary>Relative paths are taken from the creator's own cgroup, absolute ones from the hierarchy's root.</summary>
    [JsonPropertyName("cgroupsPath")]
    public string? CgroupsPath { get; init; }

    [JsonPropertyName("namespaces")]
    public IReadOnlyList<OciNamespace>? Namespaces { get; init; }

    [JsonPropertyName("devices")]
    public IReadOnlyList<OciDevice>? Devices { get; init; }

    [JsonPropertyName("seccomp")]
    public System.Text.Json.JsonElement? Seccomp { get; init; }

    [JsonPropertyName("rootfsPropagation")]
    public string? RootfsPropagation { get; init; }

    [JsonPropertyName("maskedPaths")]
    public IReadOnlyList<string>? MaskedPaths { get; init; }

    [JsonPropertyName("readonlyPaths")]
    public IReadOnlyList<string>? ReadonlyPaths { get; init; }

    [JsonPropertyName("mountLabel")]
    public string? MountLabel { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}

/// <summary>A namespace to create (no path) or to join (a path such as <c>/proc/42/ns/net</c>).</summary>
public sealed record OciNamespace
{
    /// <summary><c>pid</c>, <c>network</c>, <c>mount</c>, <c>ipc</c>, <c>uts</c>, <c>user</c> or <c>cgroup</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("path")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Path { get; init; }
}

/// <summary>One line of a uid or gid map.</summary>
public sealed record OciIdMapping
{
    [JsonPropertyName("containerID")]
    public uint ContainerId { get; init; }

    [JsonPropertyName("hostID")]
    public uint HostId { get; init; }

    [JsonPropertyName("size")]
    public uint Size { get; init; }
}

/// <summary>A device node to create in the container's <c>/dev</c>.</summary>
public sealed record OciDevice
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary><c>c</c>, <c>b</c>, <c>u</c> or <c>p</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("major")]
    public long Major { get; init; }

    [JsonPropertyName("minor")]
    public long Minor { get; init; }

    [JsonPropertyName("fileMode")]
    public uint? FileMode { get; init; }

    [JsonPropertyName("uid")]
    public uint? Uid { get; init; }

    [JsonPropertyName("gid")]
    public uint? Gid { get; init; }
}
