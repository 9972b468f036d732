using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>
/// Writes times as Go's RFC 3339 with nanoseconds does (UTC, <c>Z</c>, no trailing zeros), so
/// that configs we write match what the Go tools write and hash the same way every time.
/// </summary>
public sealed class Rfc3339JsonConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => false;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            ? value
            : throw new JsonException($"time \"{text}\" is not RFC 3339, such as 2024-01-02T03:04:05Z");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStringValue(Format(value.Value));
    }

    /// <summary>Formats a time the way Go's <c>time.RFC3339Nano</c> does, in UTC.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + "Z";
    }
}
