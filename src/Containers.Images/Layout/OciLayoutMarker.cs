using System.Text.Json;
using System.Text.Json.Serialization;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Layout;

/// <summary>The <c>oci-layout</c> file that marks a directory as an OCI image layout.</summary>
internal sealed record OciLayoutMarker
{
    public const string FileName = "oci-layout";
    public const string CurrentVersion = "1.0.0";

    [JsonPropertyName("imageLayoutVersion")]
    public required string ImageLayoutVersion { get; init; }

    /// <summary>The marker of the current version, as written.</summary>
    public static byte[] SerializeCurrent() =>
        JsonSerializer.SerializeToUtf8Bytes(new OciLayoutMarker { ImageLayoutVersion = CurrentVersion }, OciJsonContext.Relaxed.OciLayoutMarker);

    /// <summary>Checks that <paramref name="json"/> is a marker of the supported version; <paramref name="of"/> names whose it is.</summary>
    public static void Check(ReadOnlySpan<byte> json, string of)
    {
        OciLayoutMarker? marker;
        try
        {
            marker = JsonSerializer.Deserialize(json, OciJsonContext.Relaxed.OciLayoutMarker);
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"the oci-layout file of {of} is not valid JSON: {e.Message}", e);
        }

        if (marker?.ImageLayoutVersion != CurrentVersion)
        {
            throw new InvalidArgumentException($"{of} has image layout version \"{marker?.ImageLayoutVersion}\"; only {CurrentVersion} is supported");
        }
    }
}
