using Containers.Errors;

namespace Containers.Images.Build.Context;

/// <summary>
/// Go's <c>filepath.Match</c> for one path component, as COPY and ADD sources use it: <c>*</c>
/// any run of characters, <c>?</c> one character, <c>[a-z]</c> and <c>[^a-z]</c> classes, and
/// <c>\</c> escaping the next character. A leading dot is matched like any other character.
/// </summary>
internal static class PathGlob
{
    /// <summary>Whether <paramref name="component"/> has a character that makes it a pattern.</summary>
    public static bool HasMeta(string component) => component.AsSpan().IndexOfAny("*?[\\") >= 0;

    /// <summary>Whether the name matches the pattern (both one path component).</summary>
    /// <exception cref="InvalidArgumentException">The pattern is malformed (an unclosed class, a trailing escape).</exception>
    public static bool Match(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Match(pattern.AsSpan(), name.AsSpan(), pattern);
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name, string whole)
    {
        // Classic backtracking over the last star: linear in practice for path components.
        var p = 0;
        var n = 0;
        var starP = -1;
        var starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length)
            {
                switch (pattern[p])
                {
                    case '*':
                        starP = p++;
                        starN = n;
                        continue;
                    case '?':
                        p++;
                        n++;
                        continue;
                    case '[':
                        if (MatchClass(pattern, ref p, name[n], whole))
                        {
                            n++;
                            continue;
                        }

                        break;
                    case '\\':
                        if (p + 1 >= pattern.Length)
                        {
                            throw Malformed(whole, "it ends with an escape");
                        }

                        if (pattern[p + 1] == name[n])
                        {
                            p += 2;
                            n++;
                            continue;
                        }

                        break;
                    default:
                        if (pattern[p] == name[n])
                        {
                            p++;
                            n++;
                            continue;
                        }

                        break;
                }
            }

            if (starP < 0)
            {
                Validate(pattern[p..], whole);
                return false;
            }

            p = starP + 1;
            n = ++starN;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        Validate(pattern[p..], whole);
        return p == pattern.Length;
    }

    /// <summary>Matches a class at <paramref name="p"/> (on '[') against <paramref name="c"/>, moving past it.</summary>
    private static bool MatchClass(ReadOnlySpan<char> pattern, ref int p, char c, string whole)
    {
        var i = p + 1;
        var negate = i < pattern.Length && pattern[i] == '^';
        if (negate)
        {
            i++;
        }

        var matched = false;
        var first = true;
        while (true)
        {
            if (i >= pattern.Length)
            {
                throw Malformed(whole, "a character class is not closed");
            }

            if (pattern[i] == ']' && !first)
            {
                i++;
                break;
            }

            first = false;
            var low = ClassChar(pattern, ref i, whole);
            var high = low;
            if (i < pattern.Length && pattern[i] == '-' && i + 1 < pattern.Length && pattern[i + 1] != ']')
            {
                i++;
                high = ClassChar(pattern, ref i, whole);
            }

            matched |= low <= c && c <= high;
        }

        p = i;
        return matched != negate;
    }

    private static char ClassChar(ReadOnlySpan<char> pattern, ref int i, string whole)
    {
        if (pattern[i] == '\\')
        {
            i++;
            if (i >= pattern.Length)
            {
                throw Malformed(whole, "it ends with an escape");
            }
        }

        return pattern[i++];
    }

    /// <summary>Go reports a malformed pattern even when the match fails before reaching the fault.</summary>
    private static void Validate(ReadOnlySpan<char> rest, string whole)
    {
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == '\\')
            {
                if (++i >= rest.Length)
                {
                    throw Malformed(whole, "it ends with an escape");
                }
            }
            else if (rest[i] == '[')
            {
                var close = rest[(i + 2)..].IndexOf(']');
                if (i + 1 >= rest.Length || close < 0)
                {
                    throw Malformed(whole, "a character class is not closed");
                }
            }
        }
    }

    private static InvalidArgumentException Malformed(string pattern, string why) =>
        new($"source pattern \"{pattern}\" is malformed: {why}");
}
