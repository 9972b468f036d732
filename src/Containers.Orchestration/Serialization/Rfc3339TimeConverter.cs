using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Serialization;

/// <summary>
/// metav1.Time: RFC 3339 in UTC with whole seconds (<c>2024-05-01T12:00:00Z</c>), as Kubernetes
/// writes timestamps; any RFC 3339 form is read.
/// </summary>
internal sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new JsonException($"\"{text}\" is not an RFC 3339 time such as 2024-05-01T12:00:00Z");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
