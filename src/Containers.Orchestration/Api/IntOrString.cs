using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Containers.Errors;

namespace Containers.Orchestration.Api;

/// <summary>
/// A field that takes a number or a string, such as a port (<c>8080</c> or <c>http</c>) or a
/// rollout bound (<c>1</c> or <c>25%</c>); it writes back the form it was given.
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    private readonly string? _string;

    public IntOrString(int value)
    {
        IntValue = value;
        _string = null;
    }

    public IntOrString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _string = value;
        IntValue = 0;
    }

    public bool IsString => _string is not null;

    public int IntValue { get; }

    public string StringValue => _string ?? IntValue.ToString(CultureInfo.InvariantCulture);

    public static implicit operator IntOrString(int value) => new(value);

    public static implicit operator IntOrString(string value) => new(value);

    public static IntOrString FromInt32(int value) => new(value);

    public static IntOrString FromString(string value) => new(value);

    /// <summary>True for a string that ends in '%'.</summary>
    public bool IsPercent => _string is { Length: > 0 } s && s[^1] == '%';

    /// <summary>
    /// The value against <paramref name="total"/>: an integer as it is, a percentage of the total
    /// rounded up or down (Kubernetes' <c>GetScaledValueFromIntOrPercent</c>), as rollouts bound surge
    /// and unavailability (maxSurge rounds up, maxUnavailable down).
    /// </summary>
    /// <exception cref="InvalidArgumentException">A string that is not a percentage.</exception>
    public int GetScaledValue(int total, bool roundUp)
    {
        if (!IsString)
        {
            return IntValue;
        }

        if (!IsPercent || !int.TryParse(_string.AsSpan(0, _string!.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            throw new InvalidArgumentException($"\"{_string}\" is neither a number nor a percentage: write 1 or 25%");
        }

        var scaled = (long)total * percent;
        return (int)(roundUp ? (scaled + 99) / 100 : scaled / 100);
    }

    public override string ToString() => StringValue;

    /// <summary>Reads a JSON number or string; writes the same form.</summary>
    internal sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
    {
        public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var i) => new IntOrString(i),
            JsonTokenType.String => new IntOrString(reader.GetString()!),
            _ => throw new JsonException("expected an integer or a string, such as 8080, \"http\" or \"25%\""),
        };

        public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
        {
            if (value.IsString)
            {
                writer.WriteStringValue(value.StringValue);
            }
            else
            {
                writer.WriteNumberValue(value.IntValue);
            }
        }
    }
}
