using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Cronos;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// A CronJob's schedule in a time zone, read as Kubernetes reads it: five fields (minute, hour,
/// day of month, month, day of week) with numbers, three-letter names, <c>*</c>, <c>?</c>, ranges,
/// steps and lists; the macros <c>@yearly</c>, <c>@annually</c>, <c>@monthly</c>, <c>@weekly</c>,
/// <c>@daily</c>, <c>@midnight</c>, <c>@hourly</c> and <c>@every &lt;duration&gt;</c>; and an
/// optional <c>TZ=zone</c> or <c>CRON_TZ=zone</c> prefix. As in Vixie cron, when both day fields
/// are restricted a day matching either one fires. Occurrences are computed by Cronos.
/// </summary>
public sealed partial class CronSchedule
{
    private static readonly Dictionary<string, string> Macros = new(StringComparer.Ordinal)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private readonly CronExpression[] _expressions;
    private readonly TimeSpan _every;

    private CronSchedule(string text, TimeZoneInfo zone, CronExpression[] expressions, TimeSpan every)
    {
        Text = text;
        TimeZone = zone;
        _expressions = expressions;
        _every = every;
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>The zone the fields are read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>
    /// Reads <paramref name="schedule"/> in the zone <paramref name="timeZone"/> names (an IANA name
    /// such as <c>Europe/Berlin</c>), or in <paramref name="defaultZone"/> when it names none.
    /// </summary>
    /// <exception cref="Errors.InvalidArgumentException">The schedule or the zone is not valid.</exception>
    public static CronSchedule Parse(string schedule, string? timeZone, TimeZoneInfo defaultZone) =>
        TryParse(schedule, timeZone, defaultZone, out var result, out var error) ? result : throw new Errors.InvalidArgumentException(error);

    /// <inheritdoc cref="Parse"/>
    public static bool TryParse(string? schedule, string? timeZone, TimeZoneInfo defaultZone, [NotNullWhen(true)] out CronSchedule? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(defaultZone);
        result = null;
        var text = schedule?.Trim() ?? string.Empty;
        var body = text;
        var zone = defaultZone;
        if (timeZone is not null && !TryFindTimeZone(timeZone, out zone, out error))
        {
            return false;
        }

        if (body.StartsWith("TZ=", StringComparison.Ordinal) || body.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = body.IndexOfAny([' ', '\t']);
            if (space < 0)
            {
                error = $"schedule \"{text}\" has a time zone but no schedule after it";
                return false;
            }

            if (!TryFindTimeZone(body[(body.IndexOf('=', StringComparison.Ordinal) + 1)..space], out zone, out error))
            {
                return false;
            }

            body = body[space..].Trim();
        }

        if (body.Length == 0)
        {
            error = "schedule is empty: give five fields such as \"*/5 * * * *\", or a macro such as @hourly";
            return false;
        }

        if (body == "@every" || body.StartsWith("@every ", StringComparison.Ordinal) || body.StartsWith("@every\t", StringComparison.Ordinal))
        {
            if (!GoDuration.TryParse(body["@every".Length..].Trim(), out var every) || every < TimeSpan.Zero)
            {
                error = $"schedule \"{text}\": \"{body}\" is not @every with a duration such as 90s or 1h30m";
                return false;
            }

            // At least a second, in whole seconds, as Kubernetes' cron library keeps it.
            every = every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Floor(every.TotalSeconds));
            result = new CronSchedule(text, zone, [], every);
            error = null;
            return true;
        }

        if (body.StartsWith('@'))
        {
            if (!Macros.TryGetValue(body, out var expanded))
            {
                error = $"schedule \"{text}\": unknown macro {body}; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>";
                return false;
            }

            body = expanded;
        }

        var fields = body.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"schedule \"{text}\" has {fields.Length} fields: give exactly five (minute hour day-of-month month day-of-week)";
            return false;
        }

        string[] names = ["minute", "hour", "day of month", "month", "day of week"];
        for (var i = 0; i < fields.Length; i++)
        {
            if (!FieldSyntax().IsMatch(fields[i]))
            {
                error = $"schedule \"{text}\": the {names[i]} field \"{fields[i]}\" is not a number, a three-letter name, *, ?, a range, a step or a list of these";
                return false;
            }
        }

        if (Values(fields[4]).Any(v => v == "7"))
        {
            error = $"schedule \"{text}\": day of week {fields[4]} is out of range: use 0-6 (SUN-SAT)";
            return false;
        }

        // Cronos needs both day fields to match; cron fires on either when both are restricted.
        string[] variants = IsUnrestricted(fields[2]) || IsUnrestricted(fields[4])
            ? [body]
            : [$"{fields[0]} {fields[1]} {fields[2]} {fields[3]} *", $"{fields[0]} {fields[1]} * {fields[3]} {fields[4]}"];
        var expressions = new CronExpression[variants.Length];
        for (var i = 0; i < variants.Length; i++)
        {
            try
            {
                expressions[i] = CronExpression.Parse(variants[i], CronFormat.Standard);
            }
            catch (CronFormatException e)
            {
                error = $"schedule \"{text}\" is not valid: {e.Message}";
                return false;
            }
        }

        result = new CronSchedule(text, zone, expressions, TimeSpan.Zero);
        if (result.Next(DateTimeOffset.UnixEpoch) is null)
        {
            result = null;
            error = $"schedule \"{text}\" never fires: no date matches it";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Finds an IANA (or Windows) time zone by name.</summary>
    public static bool TryFindTimeZone(string name, [NotNullWhen(true)] out TimeZoneInfo? zone, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        zone = null;
        error = null;
        if (name.Length == 0 || name.Equals("UTC", StringComparison.Ordinal) || name.Equals("Etc/UTC", StringComparison.Ordinal))
        {
            // An empty zone is UTC, as Go's time.LoadLocation reads it.
            zone = TimeZoneInfo.Utc;
            return true;
        }

        if (name.Equals("Local", StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/'))
        {
            error = $"time zone \"{name}\" is not valid: name an IANA zone such as Etc/UTC or Europe/Berlin";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"time zone \"{name}\" is not known: name an IANA zone such as Etc/UTC or Europe/Berlin";
            return false;
        }
    }

    /// <summary>The first time strictly after <paramref name="after"/> the schedule fires, in UTC; null if it never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (_expressions.Length == 0)
        {
            // @every: after the delay, in whole seconds.
            var next = after + _every;
            return next.AddTicks(-(next.UtcTicks % TimeSpan.TicksPerSecond)).ToUniversalTime();
        }

        DateTimeOffset? earliest = null;
        foreach (var expression in _expressions)
        {
            if (expression.GetNextOccurrence(after, TimeZone) is { } next && (earliest is null || next < earliest))
            {
                earliest = next;
            }
        }

        return earliest?.ToUniversalTime();
    }

    public override string ToString() => Text;

    /// <summary>A field that restricts nothing (Kubernetes' cron library marks it with its star bit).</summary>
    private static bool IsUnrestricted(string field) => field is "*" or "?" or "*/1" or "?/1";

    private static IEnumerable<string> Values(string field) =>
        field.Split(',').SelectMany(part => part.Split('/')[0].Split('-'));

    [GeneratedRegex(@"^(\*|\?|[0-9]+|[A-Za-z]{3})(-([0-9]+|[A-Za-z]{3}))?(/[0-9]+)?(,(\*|\?|[0-9]+|[A-Za-z]{3})(-([0-9]+|[A-Za-z]{3}))?(/[0-9]+)?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldSyntax();

    /// <summary>Go's duration syntax (<c>1h30m</c>, <c>90s</c>, <c>1.5h</c>), as <c>@every</c> takes it.</summary>
    private static class GoDuration
    {
        public static bool TryParse(string text, out TimeSpan duration)
        {
            duration = TimeSpan.Zero;
            if (text.Length == 0)
            {
                return false;
            }

            if (text == "0")
            {
                return true;
            }

            var at = 0;
            var negative = false;
            if (text[0] is '+' or '-')
            {
                negative = text[0] == '-';
                at++;
            }

            var total = 0m;
            var parts = 0;
            while (at < text.Length)
            {
                var start = at;
                while (at < text.Length && (char.IsAsciiDigit(text[at]) || text[at] == '.'))
                {
                    at++;
                }

                if (at == start || !decimal.TryParse(text.AsSpan(start, at - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                var unitStart = at;
                while (at < text.Length && !char.IsAsciiDigit(text[at]) && text[at] != '.')
                {
                    at++;
                }

                decimal? ticks = text[unitStart..at] switch
                {
                    "ns" => 0.01m,
                    "us" or "µs" or "μs" => 10m,
                    "ms" => TimeSpan.TicksPerMillisecond,
                    "s" => TimeSpan.TicksPerSecond,
                    "m" => TimeSpan.TicksPerMinute,
                    "h" => TimeSpan.TicksPerHour,
                    _ => null,
                };
                if (ticks is null)
                {
                    return false;
                }

                total += number * ticks.Value;
                parts++;
            }

            if (parts == 0 || total > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }

            duration = TimeSpan.FromTicks((long)(negative ? -total : total));
            return true;
        }
    }
}
