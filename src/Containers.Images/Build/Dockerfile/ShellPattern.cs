using System.Text;
using Containers.Errors;

namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// A shell pattern of the <c>${var#pat}</c>, <c>${var%pat}</c> and <c>${var/pat/repl}</c>
/// substitutions: <c>*</c> any run, <c>?</c> one character, an escaped character itself
/// (no bracket expressions, as in BuildKit).
/// </summary>
internal sealed class ShellPattern
{
    private readonly PatternToken[] _tokens;

    private ShellPattern(PatternToken[] tokens) => _tokens = tokens;

    private enum TokenKind
    {
        Literal,
        AnyOne,
        AnyRun,
    }

    public static ShellPattern Parse(string pattern, char escape)
    {
        var tokens = new List<PatternToken>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == escape)
            {
                if (i + 1 >= pattern.Length)
                {
                    throw new InvalidArgumentException($"invalid pattern ({pattern}) in substitution: it ends with the escape character");
                }

                tokens.Add(new PatternToken(TokenKind.Literal, pattern[++i]));
                continue;
            }

            tokens.Add(c switch
            {
                '*' => new PatternToken(TokenKind.AnyRun, c),
                '?' => new PatternToken(TokenKind.AnyOne, c),
                _ => new PatternToken(TokenKind.Literal, c),
            });
        }

        return new ShellPattern([.. tokens]);
    }

    public string TrimPrefix(string value, bool longest)
    {
        for (var n = 0; n <= value.Length; n++)
        {
            var length = longest ? value.Length - n : n;
            if (Matches(value.AsSpan(0, length)))
            {
                return value[length..];
            }
        }

        return value;
    }

    public string TrimSuffix(string value, bool longest)
    {
        for (var n = 0; n <= value.Length; n++)
        {
            var length = longest ? value.Length - n : n;
            if (Matches(value.AsSpan(value.Length - length)))
            {
                return value[..(value.Length - length)];
            }
        }

        return value;
    }

    /// <summary>Replaces the first (or every) leftmost-longest non-empty match.</summary>
    public string Replace(string value, string replacement, bool all)
    {
        var result = new StringBuilder();
        var start = 0;
        var position = 0;
        while (position < value.Length)
        {
            var length = LongestMatchAt(value, position);
            if (length <= 0)
            {
                position++;
                continue;
            }

            result.Append(value, start, position - start).Append(replacement);
            position += length;
            start = position;
            if (!all)
            {
                break;
            }
        }

        return result.Append(value, start, value.Length - start).ToString();
    }

    private int LongestMatchAt(string value, int position)
    {
        for (var length = value.Length - position; length >= 0; length--)
        {
            if (Matches(value.AsSpan(position, length)))
            {
                return length;
            }
        }

        return -1;
    }

    private bool Matches(ReadOnlySpan<char> text) => Matches(0, text);

    private bool Matches(int token, ReadOnlySpan<char> text)
    {
        while (token < _tokens.Length)
        {
            var t = _tokens[token];
            switch (t.Kind)
            {
                case TokenKind.AnyRun:
                    for (var skip = 0; skip <= text.Length; skip++)
                    {
                        if (Matches(token + 1, text[skip..]))
                        {
                            return true;
                        }
                    }

                    return false;
                case TokenKind.AnyOne:
                    if (text.IsEmpty)
                    {
                        return false;
                    }

                    break;
                default:
                    if (text.IsEmpty || text[0] != t.Character)
                    {
                        return false;
                    }

                    break;
            }

            token++;
            text = text[1..];
        }

        return text.IsEmpty;
    }

    private readonly record struct PatternToken(TokenKind Kind, char Character);
}
