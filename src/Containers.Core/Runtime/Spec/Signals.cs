using System.Globalization;
using Containers.Errors;

namespace Containers.Runtime.Spec;

/// <summary>
/// Signal names and numbers for <c>runtime kill</c>: <c>KILL</c>, <c>SIGKILL</c>, <c>9</c>, and
/// the real-time forms <c>RTMIN+3</c> and <c>RTMAX-1</c>. The numbers are those of x86-64 and
/// arm64 Linux; <c>RTMIN</c> is 34, as glibc reserves the kernel's first two real-time signals.
/// </summary>
public static class Signals
{
    /// <summary>The first real-time signal a program may use (glibc's SIGRTMIN).</summary>
    public const int RealtimeMin = 34;

    /// <summary>The last real-time signal (SIGRTMAX), also the highest signal number.</summary>
    public const int RealtimeMax = 64;

    private static readonly string[] NameTable =
    [
        string.Empty, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
        "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    private static readonly Dictionary<string, int> ByName = BuildByName();

    /// <summary>The standard signal names without <c>SIG</c>, indexed by number (index 0 is empty).</summary>
    public static IReadOnlyList<string> Names => NameTable;

    /// <summary>
    /// The number of a signal given as a name with or without <c>SIG</c> (any case), as a
    /// number from 1 to 64, or as <c>RTMIN+n</c> / <c>RTMAX-n</c>.
    /// </summary>
    /// <exception cref="InvalidArgumentException">The text names no signal.</exception>
    public static int Parse(string signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return TryParse(signal, out var number)
            ? number
            : throw new InvalidArgumentException(
                $"unknown signal \"{signal}\"; give a name such as TERM, SIGKILL or HUP, RTMIN+n, or a number from 1 to {RealtimeMax}");
    }

    /// <summary>Parses like <see cref="Parse"/> without throwing.</summary>
    public static bool TryParse(string signal, out int number)
    {
        number = 0;
        if (string.IsNullOrWhiteSpace(signal))
        {
            return false;
        }

        var text = signal.Trim();
        if (text.All(char.IsAsciiDigit))
        {
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is >= 1 and <= RealtimeMax
                || Fail(out number);
        }

        text = text.ToUpperInvariant();
        if (text.StartsWith("SIG", StringComparison.Ordinal))
        {
            text = text[3..];
        }

        if (ByName.TryGetValue(text, out number))
        {
            return true;
        }

        return TryParseRealtime(text, "RTMIN+", RealtimeMin, +1, out number)
            || TryParseRealtime(text, "RTMAX-", RealtimeMax, -1, out number)
            || Fail(out number);
    }

    /// <summary>The usual name of signal <paramref name="number"/>, with <c>SIG</c>: <c>SIGKILL</c>, <c>SIGRTMIN+2</c>.</summary>
    public static string GetName(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, RealtimeMax);
        return number switch
        {
            < 32 => "SIG" + NameTable[number],
            < RealtimeMin => $"SIG{number}",
            RealtimeMin => "SIGRTMIN",
            RealtimeMax => "SIGRTMAX",
            _ => number - RealtimeMin <= RealtimeMax - number
                ? $"SIGRTMIN+{number - RealtimeMin}"
                : $"SIGRTMAX-{RealtimeMax - number}",
        };
    }

    private static bool TryParseRealtime(string text, string prefix, int origin, int direction, out int number)
    {
        number = 0;
        if (text is "RTMIN" or "RTMAX")
        {
            number = text == "RTMIN" ? RealtimeMin : RealtimeMax;
            return true;
        }

        if (!text.StartsWith(prefix, StringComparison.Ordinal)
            || !int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        number = origin + (direction * offset);
        return number is >= RealtimeMin and <= RealtimeMax;
    }

    private static bool Fail(out int number)
    {
        number = 0;
        return false;
    }

    private static Dictionary<string, int> BuildByName()
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var number = 1; number < NameTable.Length; number++)
        {
            names[NameTable[number]] = number;
        }

        names["IOT"] = 6;
        names["CLD"] = 17;
        names["POLL"] = 29;
        return names;
    }
}
