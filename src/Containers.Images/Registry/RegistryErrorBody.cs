using System.Text.Json.Serialization;

namespace Containers.Images.Registry;

/// <summary>The JSON error body a distribution-spec registry sends with a failure status.</summary>
internal sealed record RegistryErrorBody(
    [property: JsonPropertyName("errors")] IReadOnlyList<RegistryError>? Errors);
