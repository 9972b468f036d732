using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>Reads and writes a <see cref="MediaType"/> as its plain string.</summary>
public sealed class MediaTypeJsonConverter : JsonConverter<MediaType>
{
    public override MediaType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new MediaType(reader.GetString()!)
            : throw new JsonException($"a media type must be a JSON string, not {reader.TokenType}");

    public override void Write(Utf8JsonWriter writer, MediaType value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
