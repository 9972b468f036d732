using System.Text.Json.Serialization;

namespace Containers.Images.Layout;

/// <summary>The <c>oci-layout</c> file that marks a directory as an OCI image layout.</summary>
internal sealed record OciLayoutMarker
{
    public const string FileName = "oci-layout";
    public const string CurrentVersion = "1.0.0";

    [JsonPropertyName("imageLayoutVersion")]
    public required string ImageLayoutVersion { get; init; }
}
