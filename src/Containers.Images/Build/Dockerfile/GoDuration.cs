using System.Globalization;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// Go's <c>time.ParseDuration</c> format, which HEALTHCHECK flags use: a sequence of decimal
/// numbers with units <c>ns</c>, <c>us</c> (<c>µs</c>), <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>,
/// such as <c>300ms</c> or <c>1h45m</c>; a lone <c>0</c> is zero.
/// </summary>
internal static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal totalNanoseconds = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            var number = s[..numberLength];
            if (number.IsEmpty || number is "." || number.Count('.') > 1
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            decimal? nanosecondsPerUnit = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (nanosecondsPerUnit is null)
            {
                return false;
            }

            s = s[unitLength..];
            totalNanoseconds += value * nanosecondsPerUnit.Value;
            if (totalNanoseconds > long.MaxValue)
            {
                return false;
            }
        }

        var ticks = (long)(totalNanoseconds / 100m);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }
}
