using System.Globalization;

namespace Containers.Cli.Output;

/// <summary>Durations and sizes written as docker writes them (its go-units package).</summary>
internal static class HumanUnits
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB"];
    private static readonly string[] BinaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>"Less than a second", "1 second", "5 minutes", "About an hour", "3 days", "2 weeks"…</summary>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        var minutes = (long)duration.TotalMinutes;
        var hours = (long)(duration.TotalHours + 0.5);
        return seconds switch
        {
            < 1 => "Less than a second",
            1 => "1 second",
            < 60 => $"{seconds} seconds",
            _ when minutes == 1 => "About a minute",
            _ when minutes < 60 => $"{minutes} minutes",
            _ when hours == 1 => "About an hour",
            _ when hours < 48 => $"{hours} hours",
            _ when hours < 24 * 7 * 2 => $"{hours / 24} days",
            _ when hours < 24 * 30 * 2 => $"{hours / 24 / 7} weeks",
            _ when hours < 24 * 365 * 2 => $"{hours / 24 / 30} months",
            _ => $"{(long)duration.TotalHours / 24 / 365} years",
        };
    }

    /// <summary>A size in powers of 1000 with 3 significant digits: "4.26MB", "512B" (docker images).</summary>
    public static string Size(long bytes) => Scaled(bytes, 1000, DecimalUnits, "G3");

    /// <summary>A size in powers of 1024 with 4 significant digits: "1.953MiB" (docker stats).</summary>
    public static string BinarySize(long bytes) => Scaled(bytes, 1024, BinaryUnits, "G4");

    private static string Scaled(double size, double step, string[] units, string format)
    {
        var unit = 0;
        while (size >= step && unit < units.Length - 1)
        {
            size /= step;
            unit++;
        }

        return size.ToString(format, CultureInfo.InvariantCulture) + units[unit];
    }
}
