using System.Globalization;
using Containers.Errors;

namespace Containers.Cgroups;

/// <summary>The checks of <see cref="CgroupResources.Validate"/>; each error names the field, the value and what to do.</summary>
internal static class ResourceCheck
{
    internal static InvalidArgumentException Invalid(string field, object? value, string todo) =>
        new($"cgroup resource {field} = {Show(value)} is invalid: {todo}");

    internal static void MinusOneOrPositive(string field, long? value, string todo)
    {
        if (value is { } v && v != -1 && v <= 0)
        {
            throw Invalid(field, v, todo);
        }
    }

    internal static void MinusOneOrAtLeast(string field, long? value, long minimum, string todo)
    {
        if (value is { } v && v != -1 && v < minimum)
        {
            throw Invalid(field, v, todo);
        }
    }

    internal static void DeviceNumber(string field, long value, long maximum)
    {
        if (value < 0 || value > maximum)
        {
            throw Invalid(field, value, $"give 0 to {maximum}");
        }
    }

    /// <summary>A cpuset list: <c>N</c> or <c>N-M</c> items separated by commas, ascending within a range. Nothing else, so no newline can smuggle in a second write.</summary>
    internal static void CpuList(string field, string? list)
    {
        if (list is null)
        {
            return;
        }

        if (list.Length == 0 || list.Length > 4096)
        {
            throw Invalid(field, list, "give a list such as \"0-3,6\", or leave it unset");
        }

        foreach (var item in list.Split(','))
        {
            var dash = item.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? item : item[..dash];
            var last = dash < 0 ? item : item[(dash + 1)..];
            if (!uint.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                || !uint.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var high)
                || low > high)
            {
                throw Invalid(field, list, "give a list of numbers and ascending ranges such as \"0-3,6\", with no spaces or other characters");
            }
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal) + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
