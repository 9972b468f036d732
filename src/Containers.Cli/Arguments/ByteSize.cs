using System.Globalization;
using Containers.Errors;

namespace Containers.Cli.Arguments;

/// <summary>Sizes as docker's flags take them (<c>--memory 512m</c>): a number and an optional unit, b, k, m, g, t or p, in powers of 1024.</summary>
internal static class ByteSize
{
    /// <summary>Parses <c>1024</c>, <c>512m</c>, <c>1.5g</c>, <c>64MiB</c>, <c>2 GB</c> (case does not matter; a trailing b and an i are allowed).</summary>
    /// <exception cref="InvalidArgumentException">The text is not a size.</exception>
    public static long Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().Trim();
        var digits = 0;
        while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
        {
            digits++;
        }

        var unit = span[digits..].TrimStart(' ');
        if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || !TryMultiplier(unit, out var multiplier))
        {
            throw new InvalidArgumentException($"invalid {what} \"{text}\": give a number of bytes with an optional unit, b, k, m or g (512m, 1.5g)");
        }

        var bytes = number * multiplier;
        return bytes < long.MaxValue ? (long)bytes : throw new InvalidArgumentException($"invalid {what} \"{text}\": too large");
    }

    private static bool TryMultiplier(ReadOnlySpan<char> unit, out double multiplier)
    {
        multiplier = 1;
        if (unit.IsEmpty)
        {
            return true;
        }

        var power = char.ToLowerInvariant(unit[0]) switch
        {
            'b' => 0,
            'k' => 1,
            'm' => 2,
            'g' => 3,
            't' => 4,
            'p' => 5,
            _ => -1,
        };
        var rest = unit[1..];
        if (power < 0 || (power == 0 && !rest.IsEmpty))
        {
            return false;
        }

        // k, kb, ki, kib: all powers of 1024, as docker's RAMInBytes has them.
        if (!rest.IsEmpty && (rest[0] is 'i' or 'I'))
        {
            rest = rest[1..];
        }

        if (!rest.IsEmpty && !(rest.Length == 1 && rest[0] is 'b' or 'B'))
        {
            return false;
        }

        multiplier = Math.Pow(1024, power);
        return true;
    }
}
