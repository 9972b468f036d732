using System.Text;
using System.Text.RegularExpressions;
using Containers.Errors;

namespace Containers.Images.Build.Context;

/// <summary>
/// One <c>.dockerignore</c> line: a Go <c>filepath.Match</c> pattern (<c>*</c>, <c>?</c>,
/// <c>[…]</c>, <c>\</c> escapes) where <c>**</c> also matches any number of directories, cleaned
/// like a path; <see cref="Exclusion"/> when it began with <c>!</c>.
/// </summary>
public sealed class DockerIgnorePattern
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly Regex _regex;
    private readonly Regex?[] _segments;

    private DockerIgnorePattern(string pattern, bool exclusion, int line)
    {
        Pattern = pattern;
        Exclusion = exclusion;
        Line = line;
        _regex = new Regex("^" + Translate(pattern, line) + "$", Options);
        Segments = pattern.Split('/');
        _segments = new Regex?[Segments.Length];
    }

    /// <summary>The cleaned pattern, without the <c>!</c>.</summary>
    public string Pattern { get; }

    /// <summary>Whether the line began with <c>!</c>: a match re-includes the path.</summary>
    public bool Exclusion { get; }

    /// <summary>The line of the <c>.dockerignore</c> it came from.</summary>
    public int Line { get; }

    internal string[] Segments { get; }

    /// <summary>Reads one line; null for comments and blank lines.</summary>
    /// <exception cref="InvalidArgumentException">The pattern is <c>!</c> alone or has a bad character class or escape.</exception>
    internal static DockerIgnorePattern? ParseLine(string text, int line)
    {
        if (text.StartsWith('#'))
        {
            return null;
        }

        var pattern = text.Trim();
        if (pattern.Length == 0)
        {
            return null;
        }

        var exclusion = pattern[0] == '!';
        if (exclusion)
        {
            pattern = pattern[1..].Trim();
            if (pattern.Length == 0)
            {
                throw new InvalidArgumentException($".dockerignore line {line}: '!' alone is not a pattern: write !path to re-include a path");
            }
        }

        pattern = ContextPath.Clean(pattern);
        if (pattern.Length > 1 && pattern[0] == '/')
        {
            pattern = pattern[1..];
        }

        return new DockerIgnorePattern(pattern, exclusion, line);
    }

    /// <summary>Whether the cleaned, slash-separated relative path matches.</summary>
    internal bool IsMatch(string path) => _regex.IsMatch(path);

    /// <summary>Whether segment <paramref name="index"/> (no <c>**</c> in it) matches one path segment.</summary>
    internal bool SegmentMatches(int index, string segment)
    {
        var regex = _segments[index] ??= new Regex("^" + Translate(Segments[index], Line) + "$", Options);
        return regex.IsMatch(segment);
    }

    /// <inheritdoc />
    public override string ToString() => Exclusion ? "!" + Pattern : Pattern;

    // filepath.Match syntax to a regular expression: * and ? stay within a path segment, ** spans
    // segments ("**/" any leading directories, a final "**" anything).
    private static string Translate(string pattern, int line)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                    }

                    regex.Append(i + 1 >= pattern.Length ? ".*" : "(.*/)?");
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\':
                    regex.Append(i + 1 < pattern.Length ? Regex.Escape(pattern[++i].ToString()) : @"\\");
                    break;
                case '[':
                    i = TranslateClass(pattern, i, regex, line);
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.ToString();
    }

    // A class: [abc], [a-z], [^a-z], with \ escapes; returns the index of the closing ].
    private static int TranslateClass(string pattern, int open, StringBuilder regex, int line)
    {
        var i = open + 1;
        regex.Append('[');
        if (i < pattern.Length && pattern[i] == '^')
        {
            regex.Append('^');
            i++;
        }

        var empty = true;
        for (; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == ']' && !empty)
            {
                regex.Append(']');
                return i;
            }

            if (c == '\\')
            {
                if (++i >= pattern.Length)
                {
                    break;
                }

                c = pattern[i];
            }

            if (c == '-' && !empty && i + 1 < pattern.Length && pattern[i + 1] != ']')
            {
                regex.Append('-');
            }
            else
            {
                regex.Append(c is '\\' or '[' or ']' or '^' or '-' ? "\\" + c : c.ToString());
            }

            empty = false;
        }

        throw new InvalidArgumentException(
            $".dockerignore line {line}: pattern '{pattern}' has an unclosed or empty character class: close it with ] or escape the [ as \\[");
    }
}
