using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

/// <summary>
/// A bundle's <c>config.json</c>, as the OCI runtime spec defines it. Property names are the
/// spec's; fields this runtime does not act on are still read and written back unchanged.
/// </summary>
public sealed record OciSpec
{
    /// <summary>The runtime spec version this runtime writes.</summary>
    public const string Version = "1.0.2";

    /// <remarks>
    /// Missing or null in the JSON reads as <see cref="Version"/>: the source-generated reader
    /// passes null for absent init-only properties, which would otherwise break the non-null promise.
    /// </remarks>
    [JsonPropertyName("ociVersion")]
    public string OciVersion { get; init => field = value ?? Version; } = Version;

    [JsonPropertyName("process")]
    public OciProcess? Process { get; init; }

    [JsonPropertyName("root")]
    public OciRoot? Root { get; init; }

    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    [JsonPropertyName("domainname")]
    public string? Domainname { get; init; }

    [JsonPropertyName("mounts")]
    public IReadOnlyList<OciMount>? Mounts { get; init; }

    [JsonPropertyName("hooks")]
    public OciHooks? Hooks { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [JsonPropertyName("linux")]
    public OciLinux? Linux { get; init; }

    /// <summary>
    /// Fields of the spec this model does not name (newer or platform-specific ones), kept so that
    /// loading and saving a <c>config.json</c> changes nothing it does not understand. Only the
    /// reader sets it: the JSON source generator cannot bind extension data to an init accessor.
    /// </summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, System.Text.Json.JsonElement>? Extensions { get; internal set; }
}
