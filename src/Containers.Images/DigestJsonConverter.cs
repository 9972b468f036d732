using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>Reads and writes a <see cref="Digest"/> as its string, validating on read.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a digest must be a JSON string, not {reader.TokenType}");
        }

        var text = reader.GetString()!;
        return Digest.TryParse(text, out var digest)
            ? digest
            : throw new JsonException(GetError(text));
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }

    private static string GetError(string text)
    {
        try
        {
            _ = Digest.Parse(text);
            return $"invalid digest \"{text}\"";
        }
        catch (Errors.InvalidArgumentException e)
        {
            return e.Message;
        }
    }
}
