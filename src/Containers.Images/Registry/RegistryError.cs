using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Images.Registry;

/// <summary>
/// One entry of a registry's error body, as the distribution spec defines it:
/// <c>{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…","detail":…}]}</c>.
/// </summary>
/// <param name="Code">The registry's error code, e.g. <c>BLOB_UNKNOWN</c>, <c>DENIED</c>, <c>UNAUTHORIZED</c>.</param>
/// <param name="Message">The registry's human-readable message.</param>
/// <param name="Detail">Unstructured detail, kept as JSON text when the registry sends any.</param>
public sealed record RegistryError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string? Message = null,
    [property: JsonPropertyName("detail")] JsonElement? Detail = null);
