using System.Globalization;
using System.Text;

namespace Containers.Images.Build.Execution;

/// <summary>
/// The image history's <c>created_by</c> as BuildKit writes it (the format <c>docker history</c>
/// shows for images built today): the instruction with its arguments expanded, Go's <c>%v</c> and
/// <c>%q</c> forms for lists and maps, and <c># buildkit</c> after the steps that run or copy.
/// Every entry has the comment <c>buildkit.dockerfile.v0</c>.
/// </summary>
internal static class BuildHistory
{
    public const string Comment = "buildkit.dockerfile.v0";

    /// <summary>A history entry made at <paramref name="created"/>.</summary>
    public static HistoryEntry Entry(string createdBy, DateTimeOffset created) => new() { Created = created, CreatedBy = createdBy, Comment = Comment };

    /// <summary><c>RUN |2 A=1 B=2 /bin/sh -c make # buildkit</c>: the build arguments the command saw, then its arguments.</summary>
    public static string Run(IReadOnlyList<string> args, IReadOnlyList<KeyValuePair<string, string>> buildArgs)
    {
        var text = new StringBuilder("RUN ");
        if (buildArgs.Count > 0)
        {
            text.Append('|').Append(buildArgs.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var (name, value) in buildArgs)
            {
                text.Append(' ').Append(name).Append('=').Append(value);
            }

            text.Append(' ');
        }

        return text.Append(string.Join(' ', args)).Append(" # buildkit").ToString();
    }

    /// <summary><c>["a" "b"]</c>: Go's <c>%q</c> of a string slice.</summary>
    public static string Quoted(IEnumerable<string> values) => "[" + string.Join(' ', values.Select(Quote)) + "]";

    /// <summary><c>[a b]</c>: Go's <c>%v</c> of a string slice.</summary>
    public static string Plain(IEnumerable<string> values) => "[" + string.Join(' ', values) + "]";

    /// <summary><c>map[80/tcp:{} 53/udp:{}]</c>: Go's <c>%v</c> of a set, sorted as Go prints maps.</summary>
    public static string Set(IEnumerable<string> keys) => "map[" + string.Join(' ', keys.Order(StringComparer.Ordinal).Select(k => k + ":{}")) + "]";

    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\t': text.Append("\\t"); break;
                default: text.Append(c); break;
            }
        }

        return text.Append('"').ToString();
    }
}
