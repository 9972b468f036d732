using System.Globalization;
using System.Text.RegularExpressions;

namespace Containers.Orchestration.Serialization.Yaml;

/// <summary>
/// What a plain (unquoted) YAML scalar means under the rules Kubernetes reads manifests with:
/// sigs.k8s.io/yaml over go-yaml v2, which resolves YAML 1.1 style. So <c>yes</c>, <c>on</c>,
/// <c>y</c> are true and <c>no</c>, <c>off</c>, <c>n</c> false; <c>~</c>, <c>null</c> and nothing are
/// null; integers are read as Go's <c>strconv.ParseInt(s, 0, 64)</c> reads them (<c>0x1F</c>,
/// <c>0o17</c>, <c>0b101</c>, and a leading 0 is octal: <c>0644</c> is 420), underscores dropped;
/// <c>1.5</c> and <c>1e3</c> are floats; timestamps stay strings. Quoted scalars are always strings.
/// </summary>
internal static partial class YamlScalar
{
    public enum Kind
    {
        String,
        Null,
        Bool,
        Int,
        UInt,
        Float,
    }

    public static (Kind Kind, object? Value) Resolve(string plain)
    {
        switch (plain)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return (Kind.Null, null);
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                return (Kind.Bool, true);
            case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                return (Kind.Bool, false);
            case ".nan" or ".NaN" or ".NAN":
                return (Kind.Float, double.NaN);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return (Kind.Float, double.PositiveInfinity);
            case "-.inf" or "-.Inf" or "-.INF":
                return (Kind.Float, double.NegativeInfinity);
        }

        if (!"+-.0123456789".Contains(plain[0], StringComparison.Ordinal))
        {
            return (Kind.String, plain);
        }

        var digits = plain.Replace("_", string.Empty, StringComparison.Ordinal);
        if (TryParseGoInt(digits, out var l))
        {
            return (Kind.Int, l);
        }

        if (TryParseGoUInt(digits, out var u))
        {
            return (Kind.UInt, u);
        }

        if (FloatPattern().IsMatch(digits) && double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return (Kind.Float, d);
        }

        return (Kind.String, plain);
    }

    /// <summary>True when a string written plain would read back as something else (so it must be quoted).</summary>
    public static bool NeedsQuotes(string value) =>
        value.Length == 0 || Resolve(value).Kind != Kind.String || TimestampPattern().IsMatch(value);

    /// <summary>Go's <c>strconv.ParseInt(s, 0, 64)</c>: sign, then 0x, 0o, 0b or a leading-0 octal, else decimal.</summary>
    private static bool TryParseGoInt(string s, out long value)
    {
        value = 0;
        var negative = s.StartsWith('-');
        var body = s.StartsWith('-') || s.StartsWith('+') ? s[1..] : s;
        if (!TryParseGoMagnitude(body, out var magnitude))
        {
            return false;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        value = (long)magnitude;
        return true;
    }

    private static bool TryParseGoUInt(string s, out ulong value)
    {
        value = 0;
        return !s.StartsWith('-') && TryParseGoMagnitude(s.StartsWith('+') ? s[1..] : s, out value);
    }

    private static bool TryParseGoMagnitude(string body, out ulong value)
    {
        value = 0;
        if (body.Length == 0)
        {
            return false;
        }

        var (digits, radix) = body.Length > 1 && body[0] == '0'
            ? char.ToLowerInvariant(body[1]) switch
            {
                'x' => (body[2..], 16),
                'o' => (body[2..], 8),
                'b' => (body[2..], 2),
                _ => (body[1..], 8),
            }
            : (body, 10);
        if (digits.Length == 0)
        {
            return false;
        }

        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }

            try
            {
                value = checked((value * (ulong)radix) + (ulong)digit);
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampPattern();
}
