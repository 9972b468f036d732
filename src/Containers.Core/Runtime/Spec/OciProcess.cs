using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>The container's process: what runs, as whom, with which privileges.</summary>
public sealed record OciProcess
{
    [JsonPropertyName("terminal")]
    public bool Terminal { get; init; }

    [JsonPropertyName("consoleSize")]
    public OciBox? ConsoleSize { get; init; }

    /// <remarks>
    /// The source-generated reader sets every init-only property, passing null for the ones the
    /// JSON lacks, so the default is restored in the setter rather than only in the initializer.
    /// </remarks>
    [JsonPropertyName("user")]
    public OciUser User { get; init => field = value ?? new(); } = new();

    [JsonPropertyName("args")]
    public IReadOnlyList<string>? Args { get; init; }

    [JsonPropertyName("commandLine")]
    public string? CommandLine { get; init; }

    [JsonPropertyName("env")]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("cwd")]
    /// <remarks>Missing or null in the JSON reads as <c>/</c>, the spec's default (see <see cref="User"/>).</remarks>
    public string Cwd { get; init => field = value ?? "/"; } = "/";

    [JsonPropertyName("capabilities")]
    public OciCapabilities? Capabilities { get; init; }

    [JsonPropertyName("rlimits")]
    public IReadOnlyList<OciRlimit>? Rlimits { get; init; }

    [JsonPropertyName("noNewPrivileges")]
    public bool NoNewPrivileges { get; init; }

    [JsonPropertyName("apparmorProfile")]
    public string? ApparmorProfile { get; init; }

    [JsonPropertyName("oomScoreAdj")]
    public int? OomScoreAdj { get; init; }

    [JsonPropertyName("selinuxLabel")]
    public string? SelinuxLabel { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}

/// <summary>A terminal's size.</summary>
public sealed record OciBox
{
    [JsonPropertyName("height")]
    public uint Height { get; init; }

    [JsonPropertyName("width")]
    public uint Width { get; init; }
}

/// <summary>The user the process runs as.</summary>
public sealed record OciUser
{
    [JsonPropertyName("uid")]
    public uint Uid { get; init; }

    [JsonPropertyName("gid")]
    public uint Gid { get; init; }

    [JsonPropertyName("umask")]
    public uint? Umask { get; init; }

    [JsonPropertyName("additionalGids")]
    public IReadOnlyList<uint>? AdditionalGids { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}

/// <summary>The five capability sets, as names like <c>CAP_CHOWN</c>.</summary>
public sealed record OciCapabilities
{
    [JsonPropertyName("bounding")]
    public IReadOnlyList<string>? Bounding { get; init; }

    [JsonPropertyName("effective")]
    public IReadOnlyList<string>? Effective { get; init; }

    [JsonPropertyName("inheritable")]
    public IReadOnlyList<string>? Inheritable { get; init; }

    [JsonPropertyName("permitted")]
    public IReadOnlyList<string>? Permitted { get; init; }

    [JsonPropertyName("ambient")]
    public IReadOnlyList<string>? Ambient { get; init; }
}

/// <summary>A resource limit, such as <c>RLIMIT_NOFILE</c>.</summary>
public sealed record OciRlimit
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("hard")]
    public ulong Hard { get; init; }

    [JsonPropertyName("soft")]
    public ulong Soft { get; init; }
}
