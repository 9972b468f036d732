using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>The cgroup limits of the spec (<c>linux.resources</c>), in its own units.</summary>
public sealed record OciResources
{
    [JsonPropertyName("devices")]
    public IReadOnlyList<OciDeviceCgroup>? Devices { get; init; }

    [JsonPropertyName("memory")]
    public OciMemory? Memory { get; init; }

    [JsonPropertyName("cpu")]
    public OciCpu? Cpu { get; init; }

    [JsonPropertyName("pids")]
    public OciPids? Pids { get; init; }

    [JsonPropertyName("blockIO")]
    public OciBlockIo? BlockIo { get; init; }

    [JsonPropertyName("unified")]
    public IReadOnlyDictionary<string, string>? Unified { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}

/// <summary>A device cgroup rule: allow or deny access to a class of devices.</summary>
public sealed record OciDeviceCgroup
{
    [JsonPropertyName("allow")]
    public bool Allow { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("major")]
    public long? Major { get; init; }

    [JsonPropertyName("minor")]
    public long? Minor { get; init; }

    [JsonPropertyName("access")]
    public string? Access { get; init; }
}

/// <summary>Memory limits in bytes; <c>swap</c> is memory plus swap, as in cgroup v1.</summary>
public sealed record OciMemory
{
    [JsonPropertyName("limit")]
    public long? Limit { get; init; }

    [JsonPropertyName("reservation")]
    public long? Reservation { get; init; }

    [JsonPropertyName("swap")]
    public long? Swap { get; init; }

    [JsonPropertyName("swappiness")]
    public ulong? Swappiness { get; init; }

    [JsonPropertyName("disableOOMKiller")]
    public bool? DisableOomKiller { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}

/// <summary>CPU shares, CFS quota and period (µs), and cpusets.</summary>
public sealed record OciCpu
{
    [JsonPropertyName("shares")]
    public ulong? Shares { get; init; }

    [JsonPropertyName("quota")]
    public long? Quota { get; init; }

    [JsonPropertyName("period")]
    public ulong? Period { get; init; }

    [JsonPropertyName("cpus")]
    public string? Cpus { get; init; }

    [JsonPropertyName("mems")]
    public string? Mems { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}

/// <summary>The most tasks the cgroup may hold; 0 or less means no limit.</summary>
public sealed record OciPids
{
    [JsonPropertyName("limit")]
    public long Limit { get; init; }
}

/// <summary>Block I/O weight (10–1000) and per-device throttles.</summary>
public sealed record OciBlockIo
{
    [JsonPropertyName("weight")]
    public ushort? Weight { get; init; }

    [JsonPropertyName("throttleReadBpsDevice")]
    public IReadOnlyList<OciThrottleDevice>? ThrottleReadBpsDevice { get; init; }

    [JsonPropertyName("throttleWriteBpsDevice")]
    public IReadOnlyList<OciThrottleDevice>? ThrottleWriteBpsDevice { get; init; }

    [JsonPropertyName("throttleReadIOPSDevice")]
    public IReadOnlyList<OciThrottleDevice>? ThrottleReadIopsDevice { get; init; }

    [JsonPropertyName("throttleWriteIOPSDevice")]
    public IReadOnlyList<OciThrottleDevice>? ThrottleWriteIopsDevice { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}

/// <summary>A throttle on one block device.</summary>
public sealed record OciThrottleDevice
{
    [JsonPropertyName("major")]
    public long Major { get; init; }

    [JsonPropertyName("minor")]
    public long Minor { get; init; }

    [JsonPropertyName("rate")]
    public ulong Rate { get; init; }
}
