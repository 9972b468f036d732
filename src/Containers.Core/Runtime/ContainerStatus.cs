using System.Text.Json.Serialization;

namespace Containers.Runtime;

/// <summary>The runtime spec's container statuses.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContainerStatus>))]
public enum ContainerStatus
{
    /// <summary>Being created; not yet waiting for start.</summary>
    [JsonStringEnumMemberName("creating")]
    Creating,

    /// <summary>Set up; the process waits for start.</summary>
    [JsonStringEnumMemberName("created")]
    Created,

    /// <summary>The process runs the user's program.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Frozen through the cgroup freezer.</summary>
    [JsonStringEnumMemberName("paused")]
    Paused,

    /// <summary>The process has exited.</summary>
    [JsonStringEnumMemberName("stopped")]
    Stopped,
}
