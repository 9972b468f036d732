namespace Containers.Images.Registry.Auth;

/// <summary>
/// Parses <c>WWW-Authenticate</c> headers (RFC 7235): several challenges per header and several
/// headers, parameters as tokens or quoted strings with backslash escapes. A header comes from
/// the server, so it is bounded: an oversized one is refused, and beyond a number of challenges
/// or parameters the rest is ignored.
/// </summary>
internal static class WwwAuthenticate
{
    /// <summary>The most header text read, all values together. Real challenges are well under 1 KiB.</summary>
    public const int MaxLength = 16 * 1024;

    public const int MaxChallenges = 16;

    public const int MaxParameters = 32;

    /// <summary>Parses the header's values; throws <see cref="FormatException"/> when they are larger than <see cref="MaxLength"/>.</summary>
    public static IReadOnlyList<AuthChallenge> Parse(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var challenges = new List<AuthChallenge>();
        var length = 0;
        foreach (var value in values)
        {
            length += value.Length;
            if (length > MaxLength)
            {
                throw new FormatException($"WWW-Authenticate header is longer than {MaxLength} characters");
            }

            Parse(value, challenges);
        }

        return challenges;
    }

    public static IReadOnlyList<AuthChallenge> Parse(string value) => Parse([value]);

    private static void Parse(ReadOnlySpan<char> text, List<AuthChallenge> challenges)
    {
        var i = 0;
        while (challenges.Count < MaxChallenges)
        {
            SkipSeparators(text, ref i);
            if (i >= text.Length)
            {
                return;
            }

            var scheme = ReadToken(text, ref i);
            if (scheme.IsEmpty)
            {
                // Not a challenge: skip to the next comma and try again.
                SkipPast(text, ref i, ',');
                continue;
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            SkipWhitespace(text, ref i);
            SkipToken68(text, ref i);
            while (ReadParameter(text, ref i, out var name, out var value))
            {
                if (name.Length > 0 && parameters.Count < MaxParameters)
                {
                    parameters.TryAdd(name, value);
                }
            }

            challenges.Add(new AuthChallenge(scheme.ToString(), parameters));
        }
    }

    /// <summary>
    /// Reads <c>name=value</c> at <paramref name="i"/> (after optional commas); false, with
    /// <paramref name="i"/> unmoved, when what follows is a new challenge or the end.
    /// </summary>
    private static bool ReadParameter(ReadOnlySpan<char> text, ref int i, out string name, out string value)
    {
        name = value = string.Empty;
        var start = i;
        SkipSeparators(text, ref i);
        var token = ReadToken(text, ref i);
        var afterName = i;
        SkipWhitespace(text, ref i);
        if (token.IsEmpty || i >= text.Length || text[i] != '=')
        {
            i = start;
            return false;
        }

        i++;
        SkipWhitespace(text, ref i);
        if (i < text.Length && text[i] == '"')
        {
            if (!ReadQuoted(text, ref i, out value))
            {
                // Unterminated: nothing after it can be trusted.
                i = text.Length;
                return false;
            }
        }
        else
        {
            var valueStart = i;
            while (i < text.Length && text[i] is not (',' or ' ' or '\t'))
            {
                i++;
            }

            if (i == valueStart)
            {
                // "name=" with nothing after it is not a parameter: skip it, keep the rest.
                i = afterName;
                SkipPast(text, ref i, ',');
                return i < text.Length;
            }

            value = text[valueStart..i].ToString();
        }

        name = token.ToString().ToLowerInvariant();
        SkipWhitespace(text, ref i);
        return true;
    }

    private static bool ReadQuoted(ReadOnlySpan<char> text, ref int i, out string value)
    {
        var builder = new System.Text.StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == '"')
            {
                value = builder.ToString();
                return true;
            }

            if (c == '\\' && i < text.Length)
            {
                c = text[i++];
            }

            builder.Append(c);
        }

        value = string.Empty;
        return false;
    }

    /// <summary>Skips a token68 credential right after a scheme (<c>Negotiate abc==</c>): it is not a parameter.</summary>
    private static void SkipToken68(ReadOnlySpan<char> text, ref int i)
    {
        var j = i;
        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] is '-' or '.' or '_' or '~' or '+' or '/'))
        {
            j++;
        }

        if (j == i)
        {
            return;
        }

        while (j < text.Length && text[j] == '=')
        {
            j++;
        }

        // "abc" or "abc==" followed by the end or a comma is a token68; "realm=..." is a parameter.
        SkipWhitespace(text, ref j);
        if (j >= text.Length || text[j] == ',')
        {
            i = j;
        }
    }

    private static ReadOnlySpan<char> ReadToken(ReadOnlySpan<char> text, ref int i)
    {
        var start = i;
        while (i < text.Length && IsTokenChar(text[i]))
        {
            i++;
        }

        return text[start..i];
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    private static void SkipWhitespace(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static void SkipSeparators(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t' or ',')
        {
            i++;
        }
    }

    private static void SkipPast(ReadOnlySpan<char> text, ref int i, char separator)
    {
        var next = text[i..].IndexOf(separator);
        i = next < 0 ? text.Length : i + next + 1;
    }
}
