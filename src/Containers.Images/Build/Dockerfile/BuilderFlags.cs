using System.Text;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// The <c>--name=value</c> flags at the start of an instruction's arguments, as BuildKit reads
/// them: words beginning with <c>--</c>, quotes and escapes removed inside a word; <c>--</c>
/// alone ends the flags.
/// </summary>
internal sealed class BuilderFlags
{
    private readonly List<Word> _flags;
    private readonly Dictionary<string, List<(string Value, int Offset)>> _values = new(StringComparer.Ordinal);

    private BuilderFlags(List<Word> flags, int argumentsOffset)
    {
        _flags = flags;
        ArgumentsOffset = argumentsOffset;
    }

    public enum Kind
    {
        /// <summary><c>--link</c> or <c>--link=true|false</c>.</summary>
        Bool,

        /// <summary><c>--from=x</c>, once.</summary>
        String,

        /// <summary><c>--mount=x</c>, any number of times.</summary>
        Strings,
    }

    /// <summary>Where the arguments after the flags start in the text the flags were read from.</summary>
    public int ArgumentsOffset { get; }

    public bool Any => _flags.Count > 0;

    public Word First => _flags[0];

    /// <summary>Reads the flags at the start of <paramref name="text"/>.</summary>
    public static BuilderFlags Extract(string text, char escape)
    {
        var flags = new List<Word>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i + 1 >= text.Length || text[i] != '-' || text[i + 1] != '-')
            {
                return new BuilderFlags(flags, i);
            }

            var start = i;
            var word = new StringBuilder();
            var quote = '\0';
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (quote == '\0' && char.IsWhiteSpace(c))
                {
                    break;
                }

                if (quote == '\0' && c is '\'' or '"')
                {
                    quote = c;
                    continue;
                }

                if (quote != '\0' && c == quote)
                {
                    quote = '\0';
                    continue;
                }

                if (c == escape)
                {
                    if (i + 1 == text.Length)
                    {
                        continue;
                    }

                    c = text[++i];
                }

                word.Append(c);
            }

            var flag = word.ToString();
            if (flag == "--")
            {
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                return new BuilderFlags(flags, i);
            }

            flags.Add(new Word(flag, start));
        }
    }

    /// <summary>
    /// Checks every flag against the instruction's set, and reads their values.
    /// </summary>
    /// <returns>Null when all is well; else the offending flag and the problem.</returns>
    public (Word Flag, string Problem)? Check(string keyword, IReadOnlyDictionary<string, Kind> allowed, IReadOnlyDictionary<string, string>? unsupported = null)
    {
        foreach (var flag in _flags)
        {
            var text = flag.Text;
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? text[2..] : text[2..equals];
            var hasValue = equals >= 0;
            var value = hasValue ? text[(equals + 1)..] : string.Empty;
            if (unsupported is not null && unsupported.TryGetValue(name, out var why))
            {
                return (flag, $"{keyword} --{name} is not supported: {why}");
            }

            if (!allowed.TryGetValue(name, out var kind))
            {
                if (allowed.Count == 0)
                {
                    return (flag, $"unknown flag --{name}: {keyword} takes no flags");
                }

                var hint = Suggestions.Closest(name, allowed.Keys);
                return (flag, $"unknown flag --{name} for {keyword}"
                    + (hint is null ? $"; it takes {string.Join(", ", allowed.Keys.Select(k => "--" + k))}" : $"; did you mean --{hint}?"));
            }

            if (_values.ContainsKey(name) && kind != Kind.Strings)
            {
                return (flag, $"flag --{name} is given twice; give it once");
            }

            switch (kind)
            {
                case Kind.Bool:
                    if (hasValue && value.Length == 0)
                    {
                        return (flag, $"flag --{name}= has no value; write --{name} or --{name}=true|false");
                    }

                    var lower = value.ToLowerInvariant();
                    if (lower is not ("" or "true" or "false"))
                    {
                        return (flag, $"flag --{name} takes true or false, not '{value}'");
                    }

                    value = lower.Length == 0 ? "true" : lower;
                    break;
                default:
                    if (!hasValue)
                    {
                        return (flag, $"flag --{name} needs a value: write --{name}=<value>");
                    }

                    break;
            }

            if (!_values.TryGetValue(name, out var list))
            {
                _values[name] = list = [];
            }

            list.Add((value, flag.Offset));
        }

        return null;
    }

    public string? String(string name) => _values.TryGetValue(name, out var list) ? list[0].Value : null;

    public bool Bool(string name) => String(name) == "true";

    public IReadOnlyList<(string Value, int Offset)> Strings(string name) =>
        _values.TryGetValue(name, out var list) ? list : [];

    public int OffsetOf(string name) => _values.TryGetValue(name, out var list) ? list[0].Offset : 0;
}
