using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Containers.Errors;

namespace Containers.Orchestration.Api;

/// <summary>
/// Kubernetes' resource quantity (<c>100m</c>, <c>1Gi</c>, <c>1e3</c>, <c>500M</c>): an exact decimal
/// amount with the format of its suffix. Values are kept to nano precision (finer ones round up, away
/// from zero, as Kubernetes does) and printed canonically: <c>1.5Gi</c> prints as <c>1536Mi</c>,
/// <c>0.5</c> as <c>500m</c>, <c>1000M</c> as <c>1G</c>. Equality and order compare amounts, not formats.
/// </summary>
/// <remarks>Amounts are held as <see cref="decimal"/>: magnitudes up to about 7.9e28, more than any resource needs.</remarks>
[JsonConverter(typeof(QuantityJsonConverter))]
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>
{
    private const int NanoScale = 9;

    private Quantity(decimal amount, QuantityFormat format)
    {
        Amount = amount;
        Format = format;
    }

    public static Quantity Zero => default;

    /// <summary>The exact amount in base units (cores, bytes).</summary>
    public decimal Amount { get; }

    public QuantityFormat Format { get; }

    public bool IsZero => Amount == 0;

    /// <summary>The amount in whole base units, rounded up (Kubernetes' <c>Value()</c>).</summary>
    public long Value => (long)decimal.Ceiling(Amount);

    /// <summary>The amount in thousandths, rounded up (Kubernetes' <c>MilliValue()</c>): 100m of CPU is 100.</summary>
    public long MilliValue => (long)decimal.Ceiling(Amount * 1000);

    public static Quantity FromDecimal(decimal amount, QuantityFormat format = QuantityFormat.DecimalSI) => new(RoundToNano(amount), format);

    public static Quantity FromMilli(long milli) => new(milli / 1000m, QuantityFormat.DecimalSI);

    /// <summary>Bytes, written in powers of 1024.</summary>
    public static Quantity FromBytes(long bytes) => new(bytes, QuantityFormat.BinarySI);

    /// <exception cref="InvalidArgumentException">Not a quantity.</exception>
    public static Quantity Parse(string text) =>
        TryParse(text, out var q, out var why) ? q : throw new InvalidArgumentException($"quantity \"{text}\" is not valid: {why}; write a number with an optional suffix such as 100m, 1Gi, 500M or 1e3");

    public static bool TryParse(string? text, out Quantity quantity) => TryParse(text, out quantity, out _);

    private static bool TryParse(string? text, out Quantity quantity, out string why)
    {
        quantity = default;
        if (string.IsNullOrEmpty(text))
        {
            why = "it is empty";
            return false;
        }

        var s = text.AsSpan();
        var at = 0;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            at++;
        }

        var numberStart = at;
        var digits = 0;
        while (at < s.Length && char.IsAsciiDigit(s[at]))
        {
            at++;
            digits++;
        }

        if (at < s.Length && s[at] == '.')
        {
            at++;
            while (at < s.Length && char.IsAsciiDigit(s[at]))
            {
                at++;
                digits++;
            }
        }

        if (digits == 0)
        {
            why = "it does not start with a number";
            return false;
        }

        if (!decimal.TryParse(s[numberStart..at], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            why = "the number is too large";
            return false;
        }

        var suffix = s[at..];
        decimal multiplier;
        QuantityFormat format;
        try
        {
            (multiplier, format) = suffix switch
            {
                "" => (1m, QuantityFormat.DecimalSI),
                "n" => (0.000000001m, QuantityFormat.DecimalSI),
                "u" => (0.000001m, QuantityFormat.DecimalSI),
                "m" => (0.001m, QuantityFormat.DecimalSI),
                "k" => (1e3m, QuantityFormat.DecimalSI),
                "M" => (1e6m, QuantityFormat.DecimalSI),
                "G" => (1e9m, QuantityFormat.DecimalSI),
                "T" => (1e12m, QuantityFormat.DecimalSI),
                "P" => (1e15m, QuantityFormat.DecimalSI),
                "E" => (1e18m, QuantityFormat.DecimalSI),
                "Ki" => (1024m, QuantityFormat.BinarySI),
                "Mi" => (1048576m, QuantityFormat.BinarySI),
                "Gi" => (1073741824m, QuantityFormat.BinarySI),
                "Ti" => (1099511627776m, QuantityFormat.BinarySI),
                "Pi" => (1125899906842624m, QuantityFormat.BinarySI),
                "Ei" => (1152921504606846976m, QuantityFormat.BinarySI),
                _ when suffix[0] is 'e' or 'E' && TryExponent(suffix[1..], out var exponent) => (Pow10(exponent), QuantityFormat.DecimalExponent),
                _ => throw new FormatException(),
            };
        }
        catch (FormatException)
        {
            why = $"\"{suffix}\" is not a suffix (n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent e3)";
            return false;
        }
        catch (OverflowException)
        {
            why = "the exponent is out of range";
            return false;
        }

        try
        {
            var amount = RoundToNano(number * multiplier);
            quantity = new Quantity(negative ? -amount : amount, format);
        }
        catch (OverflowException)
        {
            why = "it is too large";
            return false;
        }

        why = string.Empty;
        return true;
    }

    private static bool TryExponent(ReadOnlySpan<char> text, out int exponent) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) && exponent is >= -28 and <= 28;

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            result = exponent > 0 ? result * 10 : result / 10;
        }

        return result;
    }

    /// <summary>Rounds up (away from zero) to whole nano units, as Kubernetes keeps at most nano precision.</summary>
    private static decimal RoundToNano(decimal value)
    {
        var truncated = decimal.Round(value, NanoScale, MidpointRounding.ToZero);
        return truncated == value ? value : truncated + (value > 0 ? 0.000000001m : -0.000000001m);
    }

    public static Quantity operator +(Quantity left, Quantity right) => new(left.Amount + right.Amount, left.IsZero && left.Format == default ? right.Format : left.Format);

    public static Quantity operator -(Quantity left, Quantity right) => new(left.Amount - right.Amount, left.IsZero && left.Format == default ? right.Format : left.Format);

    public static Quantity operator -(Quantity value) => new(-value.Amount, value.Format);

    public static bool operator ==(Quantity left, Quantity right) => left.Equals(right);

    public static bool operator !=(Quantity left, Quantity right) => !left.Equals(right);

    public static bool operator <(Quantity left, Quantity right) => left.Amount < right.Amount;

    public static bool operator >(Quantity left, Quantity right) => left.Amount > right.Amount;

    public static bool operator <=(Quantity left, Quantity right) => left.Amount <= right.Amount;

    public static bool operator >=(Quantity left, Quantity right) => left.Amount >= right.Amount;

    public Quantity Add(Quantity other) => this + other;

    public Quantity Subtract(Quantity other) => this - other;

    /// <summary>The amount times <paramref name="factor"/>, kept to nano precision.</summary>
    public Quantity Multiply(decimal factor) => new(RoundToNano(Amount * factor), Format);

    public bool Equals(Quantity other) => Amount == other.Amount;

    public override bool Equals(object? obj) => obj is Quantity other && Equals(other);

    public override int GetHashCode() => Amount.GetHashCode();

    public int CompareTo(Quantity other) => Amount.CompareTo(other.Amount);

    /// <summary>The canonical form, as Kubernetes prints it.</summary>
    public override string ToString()
    {
        if (Amount == 0)
        {
            return "0";
        }

        var format = Format;
        if (format == QuantityFormat.BinarySI && (Math.Abs(Amount) < 1024 || decimal.Truncate(Amount) != Amount))
        {
            // Small or fractional binary amounts would round or confuse: Kubernetes prints them as DecimalSI.
            format = QuantityFormat.DecimalSI;
        }

        var sign = Amount < 0 ? "-" : string.Empty;
        var magnitude = Math.Abs(Amount);
        if (format == QuantityFormat.BinarySI)
        {
            var power = 0;
            while (power < 6 && magnitude % 1024 == 0)
            {
                magnitude /= 1024;
                power++;
            }

            return sign + magnitude.ToString("0", CultureInfo.InvariantCulture) + BinarySuffixes[power];
        }

        // mantissa × 10^exponent with an integral mantissa free of trailing zeros, then the exponent
        // lowered to a multiple of three.
        var mantissa = magnitude;
        var exp = 0;
        while (decimal.Truncate(mantissa) != mantissa)
        {
            mantissa *= 10;
            exp--;
        }

        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            exp++;
        }

        var extra = ((exp % 3) + 3) % 3;
        for (var i = 0; i < extra; i++)
        {
            mantissa *= 10;
        }

        exp -= extra;
        var number = decimal.Truncate(mantissa).ToString("0", CultureInfo.InvariantCulture);
        var suffix = format == QuantityFormat.DecimalExponent || exp is < -9 or > 18
            ? exp == 0 ? string.Empty : "e" + exp.ToString(CultureInfo.InvariantCulture)
            : DecimalSuffix(exp);
        return sign + number + suffix;
    }

    private static readonly string[] BinarySuffixes = [string.Empty, "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    private static string DecimalSuffix(int exponent) => exponent switch
    {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => string.Empty,
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        _ => "E",
    };

    /// <summary>Reads a quantity from a JSON string or number; writes the canonical string.</summary>
    internal sealed class QuantityJsonConverter : JsonConverter<Quantity>
    {
        public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                _ => throw new JsonException("a quantity must be a string such as \"100m\" or \"1Gi\", or a number"),
            };
            return TryParse(text, out var q, out var why) ? q : throw new JsonException($"quantity \"{text}\" is not valid: {why}");
        }

        public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());

        public override Quantity ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString()!);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.ToString());
    }
}
