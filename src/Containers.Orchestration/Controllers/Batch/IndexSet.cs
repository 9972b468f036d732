using System.Globalization;
using System.Text;

namespace Containers.Orchestration.Controllers.Batch;

/// <summary>
/// Completion indexes as an Indexed Job's status writes them: ascending, with runs as ranges
/// (<c>1,3-5,7</c>).
/// </summary>
internal static class IndexSet
{
    /// <summary>The indexes in <paramref name="text"/> that lie in [0, <paramref name="limit"/>); malformed parts are skipped.</summary>
    public static SortedSet<int> Parse(string? text, int limit)
    {
        var set = new SortedSet<int>();
        if (string.IsNullOrEmpty(text))
        {
            return set;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash];
            var last = dash < 0 ? part : part[(dash + 1)..];
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to))
            {
                continue;
            }

            for (var i = from; i <= Math.Min(to, limit - 1); i++)
            {
                set.Add(i);
            }
        }

        return set;
    }

    /// <summary>The indexes as ranges, or null when there are none.</summary>
    public static string? Format(IEnumerable<int> indexes)
    {
        var text = new StringBuilder();
        int? start = null;
        var previous = 0;
        foreach (var i in indexes.Order())
        {
            if (start is not null && i == previous + 1)
            {
                previous = i;
                continue;
            }

            if (start is not null)
            {
                Append(text, start.Value, previous);
            }

            start = i;
            previous = i;
        }

        if (start is not null)
        {
            Append(text, start.Value, previous);
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private static void Append(StringBuilder text, int from, int to)
    {
        if (text.Length > 0)
        {
            text.Append(',');
        }

        text.Append(CultureInfo.InvariantCulture, $"{from}");
        if (to > from)
        {
            text.Append(CultureInfo.InvariantCulture, $"-{to}");
        }
    }
}
